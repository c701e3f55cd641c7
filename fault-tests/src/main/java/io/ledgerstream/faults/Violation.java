package io.ledgerstream.faults;

import java.util.Objects;
import java.util.Set;

/**
 * One broken property, with the request IDs and accounts needed to show the smallest history that breaks it.
 *
 * @param property the property; not null
 * @param message what is wrong, in one line; not null
 * @param requestIds the request IDs involved; not null (copied)
 * @param accountIds the accounts involved; not null (copied)
 * @param focusVersion for an account-level violation, the version where it shows; -1 if none
 */
public record Violation(
        Property property, String message, Set<String> requestIds, Set<String> accountIds, long focusVersion) {

    /**
     * Checks and copies the fields.
     *
     * @param property see the record component
     * @param message see the record component
     * @param requestIds see the record component
     * @param accountIds see the record component
     * @param focusVersion see the record component
     */
    public Violation {
        Objects.requireNonNull(property, "property");
        Objects.requireNonNull(message, "message");
        requestIds = Set.copyOf(requestIds);
        accountIds = Set.copyOf(accountIds);
    }

    /**
     * A violation about requests only.
     *
     * @param property the property; not null
     * @param message what is wrong; not null
     * @param requestIds the request IDs; not null
     * @return the violation, never null
     */
    public static Violation ofRequests(Property property, String message, Set<String> requestIds) {
        return new Violation(property, message, requestIds, Set.of(), -1);
    }

    @Override
    public String toString() {
        return "[" + property + "] " + message;
    }
}

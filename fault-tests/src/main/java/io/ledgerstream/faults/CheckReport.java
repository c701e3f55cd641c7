package io.ledgerstream.faults;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * The result of a {@link HistoryChecker} run: counts (requests, outcomes, events, lost, duplicated, half-applied,
 * money totals...), every violation, and for each violation the smallest slice of the history that shows it.
 * Immutable and thread-safe.
 */
public final class CheckReport {

    /** Most violations listed by {@link #describe()}. */
    public static final int VIOLATIONS_LISTED_MAX = 50;

    /** Most history slices printed by {@link #describe()}, smallest first. */
    public static final int SLICES_PRINTED_MAX = 5;

    private final Map<String, Long> counts;
    private final List<Violation> violations;
    private final List<String> slices;

    CheckReport(Map<String, Long> counts, List<Violation> violations, List<String> slices) {
        if (violations.size() != slices.size()) {
            throw new IllegalArgumentException("one slice per violation");
        }
        this.counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        this.violations = List.copyOf(violations);
        this.slices = List.copyOf(slices);
    }

    /**
     * Returns whether no property is violated.
     *
     * @return true if the history is correct
     */
    public boolean ok() {
        return violations.isEmpty();
    }

    /**
     * Returns every violation, in the order the checks found them.
     *
     * @return an unmodifiable list, never null
     */
    public List<Violation> violations() {
        return violations;
    }

    /**
     * Returns whether some violation breaks {@code property}.
     *
     * @param property the property; not null
     * @return true if at least one violation names it
     */
    public boolean violates(Property property) {
        Objects.requireNonNull(property, "property");
        return violations.stream().anyMatch(v -> v.property() == property);
    }

    /**
     * Returns the number of violations per property.
     *
     * @return an unmodifiable map with only the violated properties; never null
     */
    public Map<Property, Long> violationCounts() {
        Map<Property, Long> m = new EnumMap<>(Property.class);
        violations.forEach(v -> m.merge(v.property(), 1L, Long::sum));
        return Collections.unmodifiableMap(m);
    }

    /**
     * Returns the counts, in a stable order: {@code requests, submissions, clashes, resends, committedOutcomes,
     * replayOutcomes, reuseRefusals, accepted, rejected, destinationRejected, lost, duplicatedOutcomes,
     * clientObservations, duplicatedEvents, transfers, halfApplied, deposits, withdrawals, totalBalance, inFlight,
     * events, accounts}.
     *
     * @return an unmodifiable map, never null
     */
    public Map<String, Long> counts() {
        return counts;
    }

    /**
     * Returns one count.
     *
     * @param name a key of {@link #counts()}; not null
     * @return its value
     * @throws IllegalArgumentException if there is no such count
     */
    public long count(String name) {
        Long value = counts.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no count named " + name + "; have " + counts.keySet());
        }
        return value;
    }

    /**
     * Returns the smallest failing history slice of each violation, in the order of {@link #violations()}.
     *
     * @return an unmodifiable list, never null
     */
    public List<String> slices() {
        return slices;
    }

    /**
     * Returns one line of counts, for logs.
     *
     * @return e.g. {@code requests=1200 ... lost=0 ...}; never null
     */
    public String summary() {
        StringBuilder s = new StringBuilder();
        counts.forEach((k, v) ->
                s.append(s.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return s.toString();
    }

    /**
     * Describes the result: the counts, then (if any) the violations and the smallest failing histories.
     *
     * @return a multi-line text, never null
     */
    public String describe() {
        StringBuilder s = new StringBuilder("history check: ").append(ok() ? "OK" : "FAILED");
        s.append("\n  ").append(summary());
        if (ok()) {
            return s.toString();
        }
        s.append("\n").append(violations.size()).append(" violations ").append(violationCounts());
        for (int i = 0; i < Math.min(violations.size(), VIOLATIONS_LISTED_MAX); i++) {
            s.append("\n  ").append(violations.get(i));
        }
        if (violations.size() > VIOLATIONS_LISTED_MAX) {
            s.append("\n  ... ")
                    .append(violations.size() - VIOLATIONS_LISTED_MAX)
                    .append(" more");
        }
        List<Integer> smallest =
                new ArrayList<>(IntStream.range(0, violations.size()).boxed().toList());
        smallest.sort(Comparator.comparingInt(i -> slices.get(i).length()));
        s.append("\nsmallest failing histories:");
        for (int i : smallest.subList(0, Math.min(SLICES_PRINTED_MAX, smallest.size()))) {
            s.append("\n").append(violations.get(i)).append("\n").append(slices.get(i));
        }
        return s.toString();
    }

    /**
     * Throws if a property is violated.
     *
     * @throws AssertionError with {@link #describe()} as its message, if {@link #ok()} is false
     */
    public void assertOk() {
        if (!ok()) {
            throw new AssertionError(describe());
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}

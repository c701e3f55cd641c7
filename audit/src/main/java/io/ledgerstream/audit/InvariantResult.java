package io.ledgerstream.audit;

import java.util.List;
import java.util.Objects;

/**
 * The result of one invariant over the audited range. Immutable.
 *
 * @param invariant the invariant; not null
 * @param status PASS, FAIL or SKIPPED (not applicable to this run, see {@code note}); not null
 * @param checked how many items were checked (events, requests, transfers, accounts...: see {@code docs/audit.md})
 * @param violations how many violations were found (exact, even when only the first are listed)
 * @param findings the first violations in log order, at most the run's {@code maxFindings}; not null
 * @param note why the invariant was skipped or only partly checked, or null
 */
public record InvariantResult(
        Invariant invariant, Status status, long checked, long violations, List<Finding> findings, String note) {

    /** The verdict of one invariant. */
    public enum Status {
        /** Checked and never violated. */
        PASS,
        /** Violated at least once. */
        FAIL,
        /** Not checked in this run (e.g. no outcomes topic, or no --compare-live). */
        SKIPPED
    }

    /**
     * Copies the findings.
     *
     * @param invariant see the record component
     * @param status see the record component
     * @param checked see the record component
     * @param violations see the record component
     * @param findings see the record component
     * @param note see the record component
     */
    public InvariantResult {
        Objects.requireNonNull(invariant, "invariant");
        Objects.requireNonNull(status, "status");
        findings = List.copyOf(findings);
    }
}

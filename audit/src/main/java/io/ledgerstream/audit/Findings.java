package io.ledgerstream.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Per-invariant counters and the first {@code maxFindings} violations in log order (a bounded sorted set, so the kept
 * findings do not depend on thread interleaving). Not thread-safe: one per shard, merged at the end.
 */
final class Findings {
    private static final Invariant[] ALL = Invariant.values();

    private final int maxFindings;
    private final long[] checked = new long[ALL.length];
    private final long[] violations = new long[ALL.length];
    private final List<TreeSet<Finding>> kept = new ArrayList<>(ALL.length);

    Findings(int maxFindings) {
        this.maxFindings = maxFindings;
        for (int i = 0; i < ALL.length; i++) {
            kept.add(new TreeSet<>());
        }
    }

    void check(Invariant invariant) {
        checked[invariant.ordinal()]++;
    }

    void add(Finding finding) {
        int i = finding.invariant().ordinal();
        violations[i]++;
        TreeSet<Finding> set = kept.get(i);
        set.add(finding);
        if (set.size() > maxFindings) {
            set.pollLast();
        }
    }

    void add(
            Invariant invariant,
            String kind,
            String topic,
            int partition,
            long offset,
            String accountId,
            String requestId,
            String message) {
        add(new Finding(invariant, kind, topic, partition, offset, accountId, requestId, message));
    }

    long checked(Invariant invariant) {
        return checked[invariant.ordinal()];
    }

    long violations(Invariant invariant) {
        return violations[invariant.ordinal()];
    }

    List<Finding> kept(Invariant invariant) {
        return List.copyOf(kept.get(invariant.ordinal()));
    }

    void mergeFrom(Findings other) {
        for (int i = 0; i < ALL.length; i++) {
            checked[i] += other.checked[i];
            violations[i] += other.violations[i];
            TreeSet<Finding> set = kept.get(i);
            set.addAll(other.kept.get(i));
            while (set.size() > maxFindings) {
                set.pollLast();
            }
        }
    }
}

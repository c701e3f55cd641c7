package io.ledgerstream.faults;

import io.ledgerstream.faults.History.Observation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToIntFunction;

/**
 * The faults a scenario injected, and how long the service took to recover from each.
 *
 * <p><b>Time to recover</b> from a fault injected at {@code t} is measured on the client side: for every affected
 * partition, the first moment a client received an outcome that the engine decided at or after {@code t} for an
 * account of that partition; the recovery time is the latest of those moments minus {@code t}. It therefore covers
 * detection (session timeout), rebalancing, restoring state, aborting the dead transaction and the first commit. A
 * fault followed by the next fault before it recovered is <i>superseded</i> and left out of the percentiles.
 *
 * <p>Thread-safe.
 */
public final class FaultLog {

    /**
     * One injected fault.
     *
     * @param kind what was done, e.g. {@code SIGKILL engine}; not null
     * @param target which process or broker; not null
     * @param injectedAtMs when, epoch milliseconds
     * @param partitions the command partitions it affects; not null (copied), not empty
     */
    public record Fault(String kind, String target, long injectedAtMs, Set<Integer> partitions) {
        /**
         * Checks and copies the fields.
         *
         * @param kind see the record component
         * @param target see the record component
         * @param injectedAtMs see the record component
         * @param partitions see the record component
         */
        public Fault {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(target, "target");
            partitions = Set.copyOf(partitions);
            if (partitions.isEmpty()) {
                throw new IllegalArgumentException("a fault affects at least one partition");
            }
        }
    }

    /**
     * The recovery from one fault.
     *
     * @param fault the fault; not null
     * @param recoveryMs time to recover, milliseconds; -1 if it never recovered before the end of the history
     * @param superseded true if the next fault came before it recovered
     */
    public record Recovery(Fault fault, long recoveryMs, boolean superseded) {}

    /**
     * Recovery figures over many faults.
     *
     * @param faults faults injected
     * @param measured faults whose recovery is in the percentiles (recovered, not superseded)
     * @param superseded faults hit by the next fault before they recovered
     * @param unrecovered faults after which some partition never served again
     * @param p50Ms median time to recover, milliseconds (nearest rank); -1 if none measured
     * @param maxMs longest time to recover, milliseconds; -1 if none measured
     */
    public record Stats(int faults, int measured, int superseded, int unrecovered, long p50Ms, long maxMs) {
        @Override
        public String toString() {
            return "faults=" + faults + " recovered=" + measured + " superseded=" + superseded + " unrecovered="
                    + unrecovered + " p50=" + p50Ms + "ms max=" + maxMs + "ms";
        }
    }

    private final List<Fault> faults = new ArrayList<>();

    /**
     * Records a fault injected now.
     *
     * @param kind what was done; not null
     * @param target which process or broker; not null
     * @param partitions the command partitions it affects; not empty
     * @return the fault, never null
     */
    public synchronized Fault injected(String kind, String target, Set<Integer> partitions) {
        Fault f = new Fault(kind, target, System.currentTimeMillis(), partitions);
        faults.add(f);
        return f;
    }

    /**
     * Returns the faults in injection order.
     *
     * @return an unmodifiable copy, never null
     */
    public synchronized List<Fault> faults() {
        return List.copyOf(faults);
    }

    /**
     * Returns how many faults of each kind were injected.
     *
     * @return kind to count, in first-injection order; never null
     */
    public synchronized Map<String, Integer> countsByKind() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        faults.forEach(f -> counts.merge(f.kind(), 1, Integer::sum));
        return counts;
    }

    /**
     * Measures the recovery from each fault in a history.
     *
     * @param history the client-side history; not null
     * @param partitionOf the command partition of an account ID; not null
     * @return one recovery per fault, in injection order; never null
     */
    public List<Recovery> recoveries(History history, ToIntFunction<String> partitionOf) {
        List<Fault> all = faults();
        List<Observation> observations = new ArrayList<>(history.observations());
        observations.sort(java.util.Comparator.comparingLong(Observation::atMs));
        List<Recovery> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Fault f = all.get(i);
            long recoveredAt = recoveredAt(f, observations, partitionOf);
            long next = i + 1 < all.size() ? all.get(i + 1).injectedAtMs() : Long.MAX_VALUE;
            out.add(new Recovery(
                    f, recoveredAt < 0 ? -1 : recoveredAt - f.injectedAtMs(), recoveredAt < 0 || recoveredAt > next));
        }
        return out;
    }

    /**
     * Returns when the service recovered from a fault, if it has (see the class comment).
     *
     * @param fault the fault; not null
     * @param history the client-side history so far; not null
     * @param partitionOf the command partition of an account ID; not null
     * @return the moment of recovery, epoch milliseconds, or -1 if not (yet) recovered
     */
    public static long recoveredAt(Fault fault, History history, ToIntFunction<String> partitionOf) {
        List<Observation> observations = new ArrayList<>(history.observations());
        observations.sort(java.util.Comparator.comparingLong(Observation::atMs));
        return recoveredAt(fault, observations, partitionOf);
    }

    private static long recoveredAt(Fault f, List<Observation> byTime, ToIntFunction<String> partitionOf) {
        Set<Integer> pending = new TreeSet<>(f.partitions());
        for (Observation o : byTime) {
            if (o.atMs() < f.injectedAtMs() || o.outcome().processedAtMs() < f.injectedAtMs()) {
                continue;
            }
            if (pending.remove(partitionOf.applyAsInt(o.outcome().accountId())) && pending.isEmpty()) {
                return o.atMs();
            }
        }
        return -1;
    }

    /**
     * Summarises recoveries.
     *
     * @param recoveries from {@link #recoveries}; not null
     * @return the figures, never null
     */
    public static Stats stats(List<Recovery> recoveries) {
        List<Long> measured = new ArrayList<>();
        int superseded = 0;
        int unrecovered = 0;
        for (Recovery r : recoveries) {
            if (r.recoveryMs() < 0) {
                unrecovered++;
                if (r.superseded()) {
                    superseded++;
                }
            } else if (r.superseded()) {
                superseded++;
            } else {
                measured.add(r.recoveryMs());
            }
        }
        Collections.sort(measured);
        long p50 = measured.isEmpty() ? -1 : measured.get((measured.size() + 1) / 2 - 1);
        long max = measured.isEmpty() ? -1 : measured.get(measured.size() - 1);
        return new Stats(recoveries.size(), measured.size(), superseded, unrecovered, p50, max);
    }
}

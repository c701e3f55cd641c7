package io.ledgerstream.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * Sums the latest offsets of a set of topics, so two snapshots around a phase tell how many records (plus transaction
 * markers: one per partition per committed transaction) each topic received: the engine's write amplification.
 */
final class OffsetProbe {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private OffsetProbe() {}

    /** Latest offset summed over the partitions of every topic whose name matches. */
    static Map<String, Long> snapshot(Admin admin, Predicate<String> topics) {
        try {
            List<String> names = admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream()
                    .filter(topics)
                    .sorted()
                    .toList();
            Map<String, TopicDescription> described =
                    admin.describeTopics(names).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            described.forEach((name, d) -> d.partitions()
                    .forEach(p -> request.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets =
                    admin.listOffsets(request).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<String, Long> sums = new TreeMap<>();
            offsets.forEach((tp, info) -> sums.merge(tp.topic(), info.offset(), Long::sum));
            return sums;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not read topic offsets", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Per topic, (after - before) / {@code per}, and their sum under {@code "total"}; empty if {@code per <= 0}. */
    static Map<String, Double> perUnit(Map<String, Long> before, Map<String, Long> after, long per, String strip) {
        Map<String, Double> out = new TreeMap<>();
        if (per <= 0) {
            return out;
        }
        double total = 0;
        for (Map.Entry<String, Long> e : after.entrySet()) {
            long delta = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            double v = delta / (double) per;
            total += v;
            String name =
                    strip != null && e.getKey().startsWith(strip) ? e.getKey().substring(strip.length()) : e.getKey();
            out.put(name, ResultMath.round(v, 3));
        }
        out.put("total", ResultMath.round(total, 3));
        return out;
    }
}

package io.ledgerstream.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Samples the last records of a topic (read_committed) and reports their mean key and value sizes, so the raw ceiling
 * sends records of the size the SDK really sends. Bounded by {@code maxRecords} and {@link #TIMEOUT}.
 */
final class RecordSizes {

    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private RecordSizes() {}

    /** The mean sizes of a sample of a topic's records. */
    record Sample(String topic, long records, double meanKeyBytes, double meanValueBytes) {
        int valueBytesRounded() {
            return (int) Math.round(meanValueBytes);
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("records", records);
            m.put("meanKeyBytes", ResultMath.round(meanKeyBytes, 1));
            m.put("meanValueBytes", ResultMath.round(meanValueBytes, 1));
            return m;
        }
    }

    static Sample sample(String bootstrapServers, String topic, int maxRecords) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-sizes-" + topic);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo i : consumer.partitionsFor(topic, TIMEOUT)) {
                partitions.add(new TopicPartition(topic, i.partition()));
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
            Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions, TIMEOUT);
            int perPartition = Math.max(1, maxRecords / partitions.size());
            for (TopicPartition tp : partitions) {
                consumer.seek(tp, Math.max(begins.get(tp), ends.get(tp) - perPartition));
            }
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            long n = 0;
            long keyBytes = 0;
            long valueBytes = 0;
            while (n < maxRecords && System.nanoTime() < deadline) {
                var batch = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    n++;
                    keyBytes += r.key() == null ? 0 : r.key().length;
                    valueBytes += r.value() == null ? 0 : r.value().length;
                }
                boolean done = true;
                for (TopicPartition tp : partitions) {
                    done &= consumer.position(tp) >= ends.get(tp);
                }
                if (done) {
                    break;
                }
            }
            return new Sample(topic, n, n == 0 ? 0 : keyBytes / (double) n, n == 0 ? 0 : valueBytes / (double) n);
        }
    }
}

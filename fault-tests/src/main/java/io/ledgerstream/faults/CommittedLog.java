package io.ledgerstream.faults;

import io.ledgerstream.core.LedgerEvent;
import io.ledgerstream.engine.Codec;
import io.ledgerstream.schemas.Outcome;
import io.ledgerstream.serde.AvroSerde;
import io.ledgerstream.serde.RegistryClient;
import io.ledgerstream.serde.RegistryClientConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * What the engine committed: every outcome and every ledger event visible to a {@code read_committed} consumer, in
 * partition and offset order. The history checker holds the client-side {@link History} against it.
 *
 * @param outcomes the outcomes topic, partition by partition in offset order; not null (copied)
 * @param events the events topic, partition by partition in offset order; not null (copied)
 */
public record CommittedLog(List<ObservedOutcome> outcomes, List<CommittedEvent> events) {

    /**
     * One committed ledger event and its position.
     *
     * @param event the event, converted to the core type; not null
     * @param partition its partition of the events topic
     * @param offset its offset
     */
    public record CommittedEvent(LedgerEvent event, int partition, long offset) {
        /**
         * Checks the event.
         *
         * @param event see the record component
         * @param partition see the record component
         * @param offset see the record component
         */
        public CommittedEvent {
            Objects.requireNonNull(event, "event");
        }

        @Override
        public String toString() {
            LedgerEvent e = event;
            return (partition >= 0 ? "p" + partition + "@" + offset + " " : "") + e.accountId() + " v" + e.version()
                    + " " + e.body() + " balanceAfter=" + e.balanceAfter() + " " + e.requestId();
        }
    }

    /**
     * Copies the lists.
     *
     * @param outcomes see the record component
     * @param events see the record component
     */
    public CommittedLog {
        outcomes = List.copyOf(Objects.requireNonNull(outcomes, "outcomes"));
        events = List.copyOf(Objects.requireNonNull(events, "events"));
    }

    /**
     * Reads both topics from the beginning to their current end, {@code read_committed}.
     *
     * @param bootstrapServers the cluster; not null
     * @param registryUrl the schema registry's Confluent-compatible URL; not null
     * @param outcomesTopic the engine's outcomes topic; not null
     * @param eventsTopic the engine's events topic; not null
     * @param timeout upper bound for reading each topic; positive
     * @return the committed log, never null
     * @throws IllegalStateException if a topic cannot be read to its end within the timeout
     */
    public static CommittedLog read(
            String bootstrapServers, String registryUrl, String outcomesTopic, String eventsTopic, Duration timeout) {
        try (RegistryClient registry =
                new RegistryClient(RegistryClientConfig.fromMap(Map.of("registry.url", registryUrl)))) {
            AvroSerde<Outcome> outcomeSerde = new AvroSerde<>(registry, Outcome.class, false, false);
            AvroSerde<io.ledgerstream.schemas.LedgerEvent> eventSerde =
                    new AvroSerde<>(registry, io.ledgerstream.schemas.LedgerEvent.class, false, false);
            List<ObservedOutcome> outcomes = new ArrayList<>();
            readTopic(
                    bootstrapServers,
                    outcomesTopic,
                    outcomeSerde.deserializer(),
                    true,
                    timeout,
                    (r, v) -> outcomes.add(ObservedOutcome.fromAvro(v, r.partition(), r.offset())));
            List<CommittedEvent> events = new ArrayList<>();
            readTopic(
                    bootstrapServers,
                    eventsTopic,
                    eventSerde.deserializer(),
                    true,
                    timeout,
                    (r, v) -> events.add(new CommittedEvent(Codec.toCore(v), r.partition(), r.offset())));
            return new CommittedLog(outcomes, events);
        }
    }

    /**
     * Counts the records of a topic at an isolation level, as a measure of aborted writes: {@code read_uncommitted}
     * minus {@code read_committed} is the number of records written by aborted (crashed or fenced) transactions.
     * Control records (commit and abort markers) are counted by neither.
     *
     * @param bootstrapServers the cluster; not null
     * @param topic the topic; not null
     * @param readCommitted the isolation level
     * @param timeout upper bound for reading the topic; positive
     * @return the number of records returned to a consumer, never negative
     */
    public static long countRecords(String bootstrapServers, String topic, boolean readCommitted, Duration timeout) {
        long[] count = {0};
        readTopic(bootstrapServers, topic, new ByteArrayDeserializer(), readCommitted, timeout, (r, v) -> count[0]++);
        return count[0];
    }

    private static <T> void readTopic(
            String bootstrapServers,
            String topic,
            Deserializer<T> deserializer,
            boolean readCommitted,
            Duration timeout,
            BiConsumer<ConsumerRecord<byte[], T>, T> sink) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], T> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), deserializer)) {
            List<TopicPartition> parts = consumer.partitionsFor(topic, timeout).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .sorted(java.util.Comparator.comparingInt(TopicPartition::partition))
                    .toList();
            // one partition at a time, so records come out in partition and offset order
            for (TopicPartition tp : parts) {
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long end = consumer.endOffsets(List.of(tp), timeout).get(tp);
                while (consumer.position(tp, timeout) < end) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("could not read " + tp + " to offset " + end + " within "
                                + timeout + " (at " + consumer.position(tp) + ")");
                    }
                    for (ConsumerRecord<byte[], T> r : consumer.poll(Duration.ofMillis(200))) {
                        sink.accept(r, r.value());
                    }
                }
            }
        }
    }
}

package io.ledgerstream.sdk.internal;

import io.ledgerstream.core.ConsistentHash;
import io.ledgerstream.serde.RegistryUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a client's outcomes: a read_committed consumer <b>assigned</b> (no consumer group, no offset commits) to the
 * one partition of the outcomes topic that the engine uses for the client's reply target, {@code
 * ConsistentHash.partition(clientId, partitionCount)}, with the partition count read from the cluster.
 *
 * <p>Metadata and offset look-ups at start-up are bounded by the consumer's {@code default.api.timeout.ms}.
 *
 * <p>It starts at the end of the partition (the last stable offset), resolved eagerly in {@link #open}, so every
 * outcome of a command submitted after {@code open} returns is read, and older outcomes are skipped.
 *
 * <p>A record that cannot be decoded is logged at ERROR with its partition and offset and skipped (the request it
 * answers then times out, and resubmitting it returns the outcome again as a replay); if the registry is unreachable
 * the record is read again on the next poll instead.
 *
 * <p>Not thread-safe, except {@link #wakeup()}: used by the client's outcome thread only.
 */
public final class KafkaOutcomeSource implements OutcomeSource {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaOutcomeSource.class);

    private final Consumer<byte[], byte[]> consumer;
    private final Deserializer<io.ledgerstream.schemas.Outcome> deserializer;
    private final TopicPartition partition;

    private KafkaOutcomeSource(
            Consumer<byte[], byte[]> consumer,
            Deserializer<io.ledgerstream.schemas.Outcome> deserializer,
            TopicPartition partition) {
        this.consumer = consumer;
        this.deserializer = deserializer;
        this.partition = partition;
    }

    /**
     * Assigns the consumer to the client's outcome partition and positions it at the end.
     *
     * @param consumer a read_committed consumer without group; owned by the returned source
     * @param deserializer decodes outcome values; not null
     * @param topic the outcomes topic; not null
     * @param replyTo the client ID; not null
     * @return the source, never null
     * @throws io.ledgerstream.sdk.LedgerClientException if the topic does not exist
     */
    public static KafkaOutcomeSource open(
            Consumer<byte[], byte[]> consumer,
            Deserializer<io.ledgerstream.schemas.Outcome> deserializer,
            String topic,
            String replyTo) {
        Objects.requireNonNull(consumer, "consumer");
        Objects.requireNonNull(deserializer, "deserializer");
        List<PartitionInfo> partitions = consumer.partitionsFor(topic);
        if (partitions == null || partitions.isEmpty()) {
            throw new io.ledgerstream.sdk.LedgerClientException(
                    "outcomes topic '" + topic + "' does not exist; start the engine (it creates its topics) or"
                            + " check topic.outcomes",
                    null);
        }
        TopicPartition tp = new TopicPartition(topic, ConsistentHash.partition(replyTo, partitions.size()));
        consumer.assign(List.of(tp));
        consumer.seekToEnd(List.of(tp));
        long start = consumer.position(tp);
        LOG.info("client {} reads outcomes from {} starting at offset {}", replyTo, tp, start);
        return new KafkaOutcomeSource(consumer, deserializer, tp);
    }

    /**
     * Returns the partition this source reads.
     *
     * @return the client's outcome partition, never null
     */
    public TopicPartition partition() {
        return partition;
    }

    @Override
    public List<io.ledgerstream.schemas.Outcome> poll(Duration timeout) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(timeout);
        List<io.ledgerstream.schemas.Outcome> out = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> r : records) {
            try {
                out.add(deserializer.deserialize(r.topic(), r.headers(), r.value()));
            } catch (RegistryUnavailableException e) {
                LOG.warn(
                        "registry unavailable while decoding the outcome at {}@{}; reading it again",
                        partition,
                        r.offset(),
                        e);
                consumer.seek(partition, r.offset());
                break;
            } catch (SerializationException | IllegalArgumentException e) {
                LOG.error(
                        "skipping undecodable outcome at {}@{} (its request will time out; resubmitting it"
                                + " returns the outcome again)",
                        partition,
                        r.offset(),
                        e);
            }
        }
        return out;
    }

    @Override
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close(Duration timeout) {
        consumer.close(CloseOptions.timeout(timeout));
        deserializer.close();
    }
}

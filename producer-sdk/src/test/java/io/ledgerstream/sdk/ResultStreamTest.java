package io.ledgerstream.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** Offset-commit, start-position and shutdown behaviour of result streams, on Kafka's mock consumer. */
class ResultStreamTest {

    static final String TOPIC = "ledger.events";
    static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    /** Remembers every commit, since a closed mock consumer answers nothing. */
    static final class RecordingConsumer extends MockConsumer<byte[], byte[]> {
        final Map<TopicPartition, Long> committed = new HashMap<>();

        RecordingConsumer() {
            super("earliest");
            updateBeginningOffsets(Map.of(TP, 0L));
            updateEndOffsets(Map.of(TP, 0L));
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
            super.commitSync(offsets);
        }

        /** On the first poll: the partition is assigned and {@code count} records arrive. */
        void assignWithRecords(int count) {
            schedulePollTask(() -> {
                rebalance(List.of(TP));
                for (int i = 0; i < count; i++) {
                    addRecord(new ConsumerRecord<>(
                            TOPIC,
                            0,
                            i,
                            "k".getBytes(StandardCharsets.UTF_8),
                            ("v" + i).getBytes(StandardCharsets.UTF_8)));
                }
            });
        }
    }

    private static ResultStream<String> stream(RecordingConsumer consumer, StartPosition start) {
        return new ResultStream<>(
                consumer,
                TOPIC,
                start,
                r -> {
                    String v = new String(r.value(), StandardCharsets.UTF_8);
                    if (v.equals("poison")) {
                        throw new SerializationException("bad bytes");
                    }
                    return v;
                },
                () -> {},
                Duration.ofSeconds(5));
    }

    @Test
    void shouldCommitOnlyRecordsWhoseHandlerReturned() {
        RecordingConsumer consumer = new RecordingConsumer();
        consumer.assignWithRecords(5);
        List<Long> handled = new ArrayList<>();
        ResultStream<String> stream = stream(consumer, StartPosition.fromCommitted());

        assertThatThrownBy(() -> stream.run(r -> {
                    if (r.offset() == 3) {
                        throw new IllegalStateException("projection database down");
                    }
                    handled.add(r.offset());
                }))
                .isInstanceOf(LedgerClientException.class)
                .hasMessageContaining(TOPIC + "-0@3")
                .hasRootCauseMessage("projection database down");

        assertThat(handled).containsExactly(0L, 1L, 2L);
        assertThat(consumer.committed).containsEntry(TP, 3L);
        assertThat(consumer.closed()).isTrue();
    }

    @Test
    void shouldStopAfterTheCurrentRecordWhenClosedFromTheHandler() {
        RecordingConsumer consumer = new RecordingConsumer();
        consumer.assignWithRecords(5);
        List<Long> handled = new ArrayList<>();
        ResultStream<String> stream = stream(consumer, StartPosition.fromCommitted());

        stream.run(r -> {
            handled.add(r.offset());
            if (r.offset() == 1) {
                stream.close();
            }
        });

        assertThat(handled).containsExactly(0L, 1L);
        assertThat(consumer.committed).containsEntry(TP, 2L);
    }

    @Test
    void shouldCommitEverythingHandledWhenClosedFromAnotherThread() throws Exception {
        RecordingConsumer consumer = new RecordingConsumer();
        consumer.assignWithRecords(5);
        List<StreamRecord<String>> handled = new CopyOnWriteArrayList<>();
        ResultStream<String> stream = stream(consumer, StartPosition.fromCommitted());
        Thread runner = new Thread(() -> stream.run(handled::add));
        runner.start();

        Await.await(Duration.ofSeconds(10), "five records were handled", () -> handled.size() == 5);
        stream.close();
        runner.join(10_000);

        assertThat(runner.isAlive()).isFalse();
        assertThat(handled).extracting(StreamRecord::value).containsExactly("v0", "v1", "v2", "v3", "v4");
        assertThat(handled.get(0).key()).isEqualTo("k");
        assertThat(consumer.committed).containsEntry(TP, 5L);
    }

    @Test
    void shouldStartFromTheBeginningWhateverWasCommitted() {
        RecordingConsumer consumer = new RecordingConsumer();
        consumer.commitSync(Map.of(TP, new OffsetAndMetadata(3)));
        consumer.assignWithRecords(5);
        List<Long> handled = new ArrayList<>();
        ResultStream<String> stream = stream(consumer, StartPosition.fromStart());

        stream.run(r -> {
            handled.add(r.offset());
            if (handled.size() == 5) {
                stream.close();
            }
        });

        assertThat(handled).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    @Test
    void shouldSkipEverythingAlreadyWrittenWhenStartingFromTheEnd() {
        RecordingConsumer consumer = new RecordingConsumer();
        consumer.updateEndOffsets(Map.of(TP, 5L));
        consumer.assignWithRecords(5);
        List<Long> handled = new ArrayList<>();
        ResultStream<String> stream = stream(consumer, StartPosition.fromEnd());
        consumer.schedulePollTask(() ->
                consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 5, null, "v5".getBytes(StandardCharsets.UTF_8))));

        stream.run(r -> {
            handled.add(r.offset());
            stream.close();
        });

        assertThat(handled).containsExactly(5L);
    }

    @Test
    void shouldStopRatherThanSkipARecordItCannotDecode() {
        RecordingConsumer consumer = new RecordingConsumer();
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(TP));
            consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 0, null, "v0".getBytes(StandardCharsets.UTF_8)));
            consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 1, null, "poison".getBytes(StandardCharsets.UTF_8)));
        });
        List<Long> handled = new ArrayList<>();
        ResultStream<String> stream = stream(consumer, StartPosition.fromCommitted());

        assertThatThrownBy(() -> stream.run(r -> handled.add(r.offset())))
                .isInstanceOf(LedgerClientException.class)
                .hasMessageContaining(TOPIC + "-0@1")
                .hasMessageContaining("without skipping");

        assertThat(handled).containsExactly(0L);
        assertThat(consumer.committed).containsEntry(TP, 1L);
    }

    @Test
    void shouldRunOnlyOnce() {
        RecordingConsumer consumer = new RecordingConsumer();
        ResultStream<String> stream = stream(consumer, StartPosition.fromCommitted());
        stream.close();

        assertThatThrownBy(() -> stream.run(r -> {})).isInstanceOf(IllegalStateException.class);
        assertThat(consumer.closed()).isTrue();
    }
}

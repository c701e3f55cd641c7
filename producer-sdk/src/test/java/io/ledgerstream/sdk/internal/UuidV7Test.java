package io.ledgerstream.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UuidV7Test {

    @Test
    void shouldSetVersionVariantAndTimestamp() {
        UuidV7 ids = new UuidV7(() -> 1_700_000_000_123L, new SecureRandom());

        UUID id = ids.next();

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(UuidV7.timestampMs(id)).isEqualTo(1_700_000_000_123L);
        assertThat(id.toString()).startsWith("018bcfe5-687b-7");
    }

    @Test
    void shouldOrderIdsWithinOneMillisecondBySequence() {
        UuidV7 ids = new UuidV7(() -> 42L, new SecureRandom());
        List<String> generated = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) { // more than the 4,096 sequence values of one millisecond
            generated.add(ids.next().toString());
        }

        assertThat(generated).isSorted().doesNotHaveDuplicates();
        assertThat(UuidV7.timestampMs(UUID.fromString(generated.get(0)))).isEqualTo(42L);
        assertThat(UuidV7.timestampMs(UUID.fromString(generated.get(4_999)))).isEqualTo(43L);
    }

    @Test
    void shouldStayOrderedWhenTheClockStepsBack() {
        AtomicLong clock = new AtomicLong(10_000);
        UuidV7 ids = new UuidV7(clock::get, new SecureRandom());

        UUID before = ids.next();
        clock.set(5_000);
        UUID after = ids.next();

        assertThat(after.toString()).isGreaterThan(before.toString());
        assertThat(UuidV7.timestampMs(after)).isEqualTo(10_000);
    }

    @Test
    void shouldOrderIdsAcrossMillisecondsAsStringsAndAsNumbers() {
        AtomicLong clock = new AtomicLong(1_000);
        UuidV7 ids = new UuidV7(clock::getAndIncrement, new SecureRandom());

        UUID a = ids.next();
        UUID b = ids.next();

        assertThat(b.toString()).isGreaterThan(a.toString());
        assertThat(Long.compareUnsigned(b.getMostSignificantBits(), a.getMostSignificantBits()))
                .isPositive();
    }

    @Test
    void shouldGiveUniqueIncreasingIdsToConcurrentThreads() throws Exception {
        UuidV7 ids = UuidV7.systemGenerator();
        Set<String> all = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> perThread = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                perThread.add(pool.submit(() -> {
                    List<String> mine = new ArrayList<>();
                    for (int i = 0; i < 20_000; i++) {
                        mine.add(ids.next().toString());
                    }
                    return mine;
                }));
            }
            for (Future<List<String>> f : perThread) {
                List<String> mine = f.get();
                assertThat(mine).isSorted();
                all.addAll(mine);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(all).hasSize(80_000);
    }

    @Test
    void shouldRejectANonVersion7Uuid() {
        assertThatThrownBy(() -> UuidV7.timestampMs(UUID.randomUUID())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldUseTheRandomBits() {
        UuidV7 ids = new UuidV7(() -> 1L, new SecureRandom());
        Set<Long> low = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            low.add(ids.next().getLeastSignificantBits());
        }
        assertThat(low).hasSize(100);
    }
}

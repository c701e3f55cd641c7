package io.ledgerstream.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ConsistentHashTest {

    @Test
    void shouldKeepHash64Stable() {
        // Pinned: part of the on-disk contract (it decides partition ownership). Never change these values.
        assertThat(ConsistentHash.hash64("")).isEqualTo(-780787492076525413L);
        assertThat(ConsistentHash.hash64("acc-1")).isEqualTo(-6254321689930649060L);
        assertThat(ConsistentHash.hash64("client-42")).isEqualTo(646939715504334621L);
        assertThat(ConsistentHash.hash64("Zürich")).isEqualTo(-4152719896068212131L);
    }

    @Test
    void shouldKeepPartitionsStable() {
        assertThat(ConsistentHash.partition("acc-1", 1)).isZero();
        assertThat(ConsistentHash.partition("acc-1", 12)).isEqualTo(2);
        assertThat(ConsistentHash.partition("client-42", 12)).isEqualTo(5);
        assertThat(ConsistentHash.partition("client-42", 1000)).isEqualTo(250);
    }

    @Test
    void shouldGiveAKeysUtf8BytesTheSameHashAndPartitionAsTheKey() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        for (int n = 0; n < 2_000; n++) {
            StringBuilder key = new StringBuilder();
            for (int i = random.nextInt(30); i > 0; i--) {
                key.append(
                        random.nextInt(4) == 0
                                ? (char) (0xA0 + random.nextInt(0x3000))
                                : (char) ('a' + random.nextInt(26)));
            }
            byte[] utf8 = key.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(ConsistentHash.hash64(utf8)).isEqualTo(ConsistentHash.hash64(key.toString()));
            int partitions = 1 + random.nextInt(64);
            assertThat(ConsistentHash.partition(utf8, partitions))
                    .isEqualTo(ConsistentHash.partition(key.toString(), partitions));
        }
        assertThat(ConsistentHash.hash64("Zürich".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isEqualTo(-4152719896068212131L);
    }

    @Test
    void shouldBeDeterministic() {
        for (int i = 0; i < 1_000; i++) {
            String key = "key-" + i;
            assertThat(ConsistentHash.partition(key, 7)).isEqualTo(ConsistentHash.partition(key, 7));
            assertThat(ConsistentHash.hash64(key)).isEqualTo(ConsistentHash.hash64(new String(key)));
        }
    }

    @Test
    void shouldSpreadKeysUniformly() {
        int partitions = 8;
        int keys = 10_000;
        int[] counts = new int[partitions];
        for (int i = 0; i < keys; i++) {
            counts[ConsistentHash.partition("account-" + i, partitions)]++;
        }

        double mean = (double) keys / partitions;
        for (int count : counts) {
            assertThat((double) count).isCloseTo(mean, within(mean * 0.2));
        }
    }

    @Test
    void shouldMoveAboutOneInNPlusOneKeysAndOnlyToTheNewPartition() {
        int keys = 20_000;
        for (int n = 1; n <= 16; n++) {
            int moved = 0;
            for (int i = 0; i < keys; i++) {
                String key = "account-" + i;
                int before = ConsistentHash.partition(key, n);
                int after = ConsistentHash.partition(key, n + 1);
                if (before != after) {
                    moved++;
                    assertThat(after)
                            .as("key %s moved from %d, growing %d -> %d", key, before, n, n + 1)
                            .isEqualTo(n);
                }
            }
            double expected = 1.0 / (n + 1);
            assertThat((double) moved / keys)
                    .as("moved fraction growing %d -> %d", n, n + 1)
                    .isCloseTo(expected, within(expected * 0.25));
        }
    }

    @Test
    void shouldStayInRange() {
        for (int n : new int[] {1, 2, 3, 100, Integer.MAX_VALUE}) {
            for (int i = 0; i < 200; i++) {
                assertThat(ConsistentHash.partition("k" + i, n)).isBetween(0, n - 1);
            }
        }
    }

    @Test
    void shouldRejectBadArguments() {
        assertThatThrownBy(() -> ConsistentHash.partition("k", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConsistentHash.partition("k", -3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConsistentHash.partition((String) null, 3)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ConsistentHash.hash64((String) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ConsistentHash.partition((byte[]) null, 3)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ConsistentHash.hash64((byte[]) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ConsistentHash.partition(new byte[] {1}, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

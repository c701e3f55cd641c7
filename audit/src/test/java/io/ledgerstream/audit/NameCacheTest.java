package io.ledgerstream.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NameCacheTest {

    @Test
    void shouldHandOutOneInstancePerDistinctValue() {
        NameCache cache = new NameCache(NameCache.SLOTS);
        byte[] framed = "xxacct-7yy".getBytes(StandardCharsets.UTF_8);

        String first = cache.decode(framed, 2, 6);
        String again = cache.decode("acct-7".getBytes(StandardCharsets.UTF_8), 0, 6);

        assertThat(first).isEqualTo("acct-7");
        assertThat(again).isSameAs(first);
        assertThat(cache.hits()).isEqualTo(1);
        assertThat(cache.misses()).isEqualTo(1);
    }

    @Test
    void shouldDecodeExactlyLikeTheJdkWhateverTheBytesAndHoweverFullTheSlots() {
        // one slot: every distinct value evicts the previous one; random bytes include malformed UTF-8
        NameCache tiny = new NameCache(1);
        NameCache roomy = new NameCache(64);
        SplittableRandom random = new SplittableRandom(11);
        for (int n = 0; n < 20_000; n++) {
            byte[] bytes = new byte[random.nextInt(12)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : 'a' + random.nextInt(3));
            }
            String expected = new String(bytes, StandardCharsets.UTF_8);
            assertThat(tiny.decode(bytes, 0, bytes.length)).isEqualTo(expected);
            assertThat(roomy.decode(bytes, 0, bytes.length)).isEqualTo(expected);
        }
        assertThat(roomy.hits()).isPositive();
    }

    @Test
    void shouldNumberWhatItReadsInItsPoolOnHitsMissesAndOverlongValues() {
        StringPool pool = new StringPool();
        pool.id("earlier");
        NameCache cache = new NameCache(2, pool); // two slots: values evict each other
        NameCache unnumbered = new NameCache(2);
        String big = "z".repeat(NameCache.LENGTH_MAX + 1);
        for (String value : new String[] {"a", "b", "a", "c", "d", "a", big, "b", big}) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);

            String read = cache.decode(bytes, 0, bytes.length);
            unnumbered.decode(bytes, 0, bytes.length);

            assertThat(read).isEqualTo(value);
            assertThat(cache.lastId()).as(value).isEqualTo(pool.id(value));
            assertThat(unnumbered.lastId()).isEqualTo(-1);
        }
        assertThat(cache.hits()).isPositive();
        assertThat(pool.get(1)).isEqualTo("a");
    }

    @Test
    void shouldNotCacheOverlongValues() {
        NameCache cache = new NameCache(8);
        byte[] big = "z".repeat(NameCache.LENGTH_MAX + 1).getBytes(StandardCharsets.UTF_8);

        String a = cache.decode(big, 0, big.length);
        String b = cache.decode(big, 0, big.length);

        assertThat(a).isEqualTo(b).isNotSameAs(b);
        assertThat(cache.hits()).isZero();
    }

    @Test
    void shouldRefuseASlotCountThatIsNotAPowerOfTwo() {
        assertThatThrownBy(() -> new NameCache(12)).isInstanceOf(IllegalArgumentException.class);
    }
}

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
    void shouldDecodeShortNamesInPlaceExactlyLikeTheJdkWhateverTheBytesAroundThem() {
        // 3,000 names of 0 to 15 bytes (the flat table's, and the empty one) from a small alphabet (so they share
        // prefixes) with malformed UTF-8 mixed in, each read many times in place in a larger array, with random bytes
        // before and after it
        StringPool pool = new StringPool();
        NameCache cache = new NameCache(NameCache.SLOTS, pool);
        SplittableRandom random = new SplittableRandom(5);
        byte[][] names = new byte[3_000][];
        for (int n = 0; n < names.length; n++) {
            names[n] = new byte[random.nextInt(NameCache.SHORT_MAX + 1)];
            for (int i = 0; i < names[n].length; i++) {
                names[n][i] = (byte) (random.nextInt(8) == 0 ? random.nextInt(256) : random.nextInt(2));
            }
        }
        java.util.Map<String, String> first = new java.util.HashMap<>();
        for (int n = 0; n < 50_000; n++) {
            byte[] name = names[random.nextInt(names.length)];
            int start = random.nextInt(4);
            byte[] data = new byte[start + name.length + 16 + random.nextInt(4)];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) random.nextInt(256);
            }
            System.arraycopy(name, 0, data, start, name.length);
            String expected = new String(name, StandardCharsets.UTF_8);
            String key = java.util.HexFormat.of().formatHex(name);

            String read = cache.decode(data, start, name.length);

            assertThat(read).as(key).isEqualTo(expected);
            assertThat(cache.lastId()).as(key).isEqualTo(pool.id(expected));
            String before = first.putIfAbsent(key, read);
            if (before != null && name.length > 0) {
                assertThat(read)
                        .as("the same bytes again: the same instance, " + key)
                        .isSameAs(before);
            }
        }
        assertThat(cache.hits()).isGreaterThan(40_000);
    }

    @Test
    void shouldTellNamesApartThatDifferOnlyInLengthOrTheirLastByte() {
        NameCache cache = new NameCache(NameCache.SLOTS);
        String[] names = {
            "a",
            "a\0",
            "a\0\0",
            "abcdefg",
            "abcdefgh",
            "abcdefgh\0",
            "abcdefghi",
            "abcdefghijklmno",
            "abcdefghijklmnp",
            "abcdefghijklmn"
        };
        for (int round = 0; round < 2; round++) {
            for (String name : names) {
                byte[] data = java.util.Arrays.copyOf(name.getBytes(StandardCharsets.UTF_8), 32);

                assertThat(cache.decode(data, 0, name.length())).isEqualTo(name);
            }
        }
        assertThat(cache.hits()).isEqualTo(names.length);
    }

    @Test
    void shouldStillDecodeAndCacheShortNamesOnceTheFlatTableIsFull() {
        StringPool pool = new StringPool();
        NameCache cache = new NameCache(NameCache.SLOTS, pool);
        int names = NameCache.SHORT_ENTRIES_MAX + 1_000;
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < names; i++) {
                String name = "n-" + i;
                byte[] data = java.util.Arrays.copyOf(name.getBytes(StandardCharsets.UTF_8), 32);

                assertThat(cache.decode(data, 0, name.length())).isEqualTo(name);
                assertThat(cache.lastId()).isEqualTo(pool.id(name));
            }
        }
        // the second round hits for every name: the table's first names, and the slots' (no collision among these)
        assertThat(cache.misses()).isEqualTo(names);
        assertThat(cache.hits()).isEqualTo(names);
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

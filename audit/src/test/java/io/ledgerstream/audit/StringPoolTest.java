package io.ledgerstream.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StringPoolTest {

    @Test
    void shouldNumberEqualStringsAlikeWhetherOrNotTheyAreTheSameInstance() {
        StringPool pool = new StringPool();
        String a = "acct-1";
        String copy = new String(a.toCharArray());

        int id = pool.id(a);

        assertThat(pool.id(a)).isEqualTo(id);
        assertThat(pool.id(copy)).isEqualTo(id);
        assertThat(pool.id("acct-2")).isEqualTo(id + 1);
        assertThat(pool.get(id)).isEqualTo("acct-1");
        assertThat(pool.id(null)).isEqualTo(-1);
        assertThat(pool.get(-1)).isNull();
    }

    @Test
    void shouldKeepNumbersStableWhenManyStringsShareACacheSlot() {
        StringPool pool = new StringPool();
        // "Aa" and "BB" have the same String hash code, so they share a slot of the identity cache
        for (int round = 0; round < 3; round++) {
            assertThat(pool.id("Aa")).isEqualTo(0);
            assertThat(pool.id("BB")).isEqualTo(1);
        }
        for (int i = 0; i < 200_000; i++) {
            assertThat(pool.id("a-" + i)).isEqualTo(i + 2);
        }
        assertThat(pool.id("a-" + 12_345)).isEqualTo(12_347);
        assertThat(pool.id("Aa")).isEqualTo(0);
    }
}

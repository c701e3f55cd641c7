package io.ledgerstream.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Comparator;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class AccountStateTest {

    private static SortedMap<String, Hold> holds(Hold... holds) {
        SortedMap<String, Hold> map = new TreeMap<>();
        for (Hold hold : holds) {
            map.put(hold.holdId(), hold);
        }
        return map;
    }

    private static AccountState state(long overdraftLimit, long balance, SortedMap<String, Hold> holds) {
        return new AccountState("acc", "EUR", overdraftLimit, balance, 3, holds, Hashes.genesis());
    }

    @Test
    void shouldComputeHeldAndAvailable() {
        AccountState state = state(0, 100, holds(new Hold("a", 30, 1), new Hold("b", 20, 2)));

        assertThat(state.held()).isEqualTo(50);
        assertThat(state.available()).isEqualTo(50);
    }

    @Test
    void shouldCompareByContentIncludingTheHash() {
        byte[] hash = Hashes.genesis();
        AccountState a = new AccountState("acc", "EUR", 0, 1, 2, holds(), hash);
        AccountState b = new AccountState("acc", "EUR", 0, 1, 2, holds(), hash.clone());
        hash[0] = 1;
        AccountState c = new AccountState("acc", "EUR", 0, 1, 2, holds(), hash);

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c);
    }

    @Test
    void shouldCopyHoldsAndHash() {
        SortedMap<String, Hold> holds = holds(new Hold("a", 30, 1));
        byte[] hash = Hashes.genesis();
        AccountState state = new AccountState("acc", "EUR", 0, 100, 2, holds, hash);

        holds.clear();
        hash[0] = 1;
        state.lastHash()[1] = 1;

        assertThat(state.holds()).containsOnlyKeys("a");
        assertThat(state.lastHash()).isEqualTo(Hashes.genesis());
        assertThatThrownBy(() -> state.holds().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void shouldSortHoldsByNaturalOrderWhateverTheComparator() {
        SortedMap<String, Hold> reversed = new TreeMap<>(Comparator.reverseOrder());
        reversed.put("a", new Hold("a", 1, 1));
        reversed.put("b", new Hold("b", 1, 1));

        assertThat(state(0, 10, reversed).holds().firstKey()).isEqualTo("a");
        assertThat(state(0, 10, reversed)).isEqualTo(state(0, 10, holds(new Hold("b", 1, 1), new Hold("a", 1, 1))));
    }

    @Test
    void shouldRejectAStateBelowTheOverdraftLimit() {
        assertThatThrownBy(() -> state(10, -11, holds())).isInstanceOf(InvariantViolation.class);
        assertThatThrownBy(() -> state(10, 0, holds(new Hold("a", 11, 1)))).isInstanceOf(InvariantViolation.class);
        assertThat(state(10, 0, holds(new Hold("a", 10, 1))).available()).isEqualTo(-10);
    }

    @Test
    void shouldRejectAnInconsistentState() {
        SortedMap<String, Hold> misfiled = new TreeMap<>();
        misfiled.put("x", new Hold("y", 1, 1));

        assertThatThrownBy(() -> state(0, 10, misfiled)).isInstanceOf(InvariantViolation.class);
        assertThatThrownBy(() -> state(0, 10, holds(new Hold("a", 0, 1)))).isInstanceOf(InvariantViolation.class);
        assertThatThrownBy(() -> state(-1, 10, holds())).isInstanceOf(InvariantViolation.class);
        assertThatThrownBy(() -> new AccountState("acc", "EUR", 0, 0, 0, holds(), Hashes.genesis()))
                .isInstanceOf(InvariantViolation.class);
        assertThatThrownBy(() -> new AccountState("acc", "eur", 0, 0, 1, holds(), Hashes.genesis()))
                .isInstanceOf(InvariantViolation.class);
        assertThatThrownBy(() -> new AccountState("acc", "EUR", 0, 0, 1, holds(), new byte[3]))
                .isInstanceOf(InvariantViolation.class);
        assertThatThrownBy(() -> state(
                        Long.MAX_VALUE,
                        Long.MAX_VALUE,
                        holds(new Hold("a", Long.MAX_VALUE, 1), new Hold("b", Long.MAX_VALUE, 1))))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("overflows");
    }
}

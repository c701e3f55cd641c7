package io.ledgerstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.core.ConsistentHash;
import io.ledgerstream.sdk.Command;
import io.ledgerstream.sdk.CommandType;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WorkloadTest {

    private static final int DRAWS = 100_000;

    @Test
    void shouldDrawTheIssuesMixOfTransfersDepositsAndWithdrawals() {
        Workload w = new Workload(10_000, 8, Workload.Mix.DEFAULT, 100);
        SplittableRandom r = new SplittableRandom(1);
        Map<CommandType, Integer> counts = new EnumMap<>(CommandType.class);
        for (int i = 0; i < DRAWS; i++) {
            counts.merge(w.next(r).type(), 1, Integer::sum);
        }
        assertThat(counts.get(CommandType.TRANSFER) / (double) DRAWS).isCloseTo(0.70, within());
        assertThat(counts.get(CommandType.DEPOSIT) / (double) DRAWS).isCloseTo(0.20, within());
        assertThat(counts.get(CommandType.WITHDRAW) / (double) DRAWS).isCloseTo(0.10, within());
    }

    @Test
    void shouldMakeHalfTheTransfersCrossPartitionUsingTheEnginesHash() {
        Workload w = new Workload(10_000, 8, Workload.Mix.DEFAULT, 100);
        SplittableRandom r = new SplittableRandom(2);
        int transfers = 0;
        int cross = 0;
        for (int i = 0; i < DRAWS; i++) {
            Command c = w.next(r);
            if (c.type() == CommandType.TRANSFER) {
                transfers++;
                String to = c.toAccountId().orElseThrow();
                assertThat(to).isNotEqualTo(c.accountId());
                if (ConsistentHash.partition(c.accountId(), 8) != ConsistentHash.partition(to, 8)) {
                    cross++;
                }
            }
        }
        assertThat(cross / (double) transfers).isCloseTo(0.5, within());
    }

    @Test
    void shouldMakeEveryTransferLocalWithOnePartition() {
        Workload w = new Workload(100, 1, Workload.Mix.DEFAULT, 100);
        assertThat(w.crossPartitionPossible()).isFalse();
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 10_000; i++) {
            assertThat(w.nextKind(r)).isNotEqualTo(Workload.Kind.TRANSFER_CROSS);
            int to = w.destination(r, 7, true);
            assertThat(to).isNotEqualTo(7).isBetween(0, 99);
        }
    }

    @Test
    void shouldPickLocalDestinationsOnTheSourcePartitionAndCrossOnesElsewhere() {
        Workload w = new Workload(1000, 4, Workload.Mix.DEFAULT, 100);
        SplittableRandom r = new SplittableRandom(4);
        for (int from = 0; from < 1000; from++) {
            int local = w.destination(r, from, false);
            int cross = w.destination(r, from, true);
            assertThat(local).isNotEqualTo(from);
            assertThat(w.partitionOf(local)).isEqualTo(w.partitionOf(from));
            assertThat(w.partitionOf(cross)).isNotEqualTo(w.partitionOf(from));
        }
    }

    @Test
    void shouldResendTheRequestedShareOfDuplicates() {
        Workload w = new Workload(100, 2, Workload.Mix.DEFAULT, 100);
        SplittableRandom r = new SplittableRandom(5);
        int dups = 0;
        for (int i = 0; i < DRAWS; i++) {
            dups += w.nextIsDuplicate(r) ? 1 : 0;
        }
        assertThat(dups / (double) DRAWS).isCloseTo(0.01, org.assertj.core.data.Offset.offset(0.002));
    }

    @Test
    void shouldKeepAmountsWithinBoundsAndAccountIdsStable() {
        Workload w = new Workload(50, 2, Workload.Mix.DEFAULT, 7);
        SplittableRandom r = new SplittableRandom(6);
        for (int i = 0; i < 10_000; i++) {
            assertThat(w.next(r).amount().orElseThrow()).isBetween(1L, 7L);
        }
        assertThat(Workload.accountId(12)).isEqualTo("acct-12");
        assertThat(w.open(3, 1000).accountId()).isEqualTo("acct-3");
    }

    @Test
    void shouldRefuseAMixThatDoesNotSumToOne() {
        assertThatThrownBy(() -> new Workload.Mix(0.7, 0.5, 0.2, 0.2, 0.01)).hasMessageContaining("must be 1");
        assertThatThrownBy(() -> new Workload(1, 1, Workload.Mix.DEFAULT, 1)).hasMessageContaining("accounts");
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(0.01);
    }
}

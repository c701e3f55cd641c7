package io.ledgerstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.audit.AuditReport;
import io.ledgerstream.audit.Invariant;
import io.ledgerstream.audit.LedgerAudit;
import io.ledgerstream.core.ConsistentHash;
import io.ledgerstream.core.LedgerEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditLedgerTest {

    private static final int PARTITIONS = 4;

    /** One generated event, where the writer would put it. */
    private record Placed(int partition, long offset, LedgerEvent event) {}

    @Test
    void shouldGenerateALedgerThatPassesTheAuditWithTheBenchmarksMix() {
        // given
        Workload workload = new Workload(50, PARTITIONS, Workload.Mix.DEFAULT, 1_000);
        List<Placed> placed = new ArrayList<>();
        long[] offsets = new long[PARTITIONS];

        // when
        AuditLedger.Generated generated = AuditLedger.generate(workload, 5_000, 7, (account, event) -> {
            int partition = workload.partitionOf(account);
            placed.add(new Placed(partition, offsets[partition]++, event));
        });
        AuditReport report = audit(placed);

        // then
        assertThat(generated.events()).isBetween(5_000L, 5_001L).isEqualTo(placed.size());
        assertThat(report.status()).isEqualTo(AuditReport.Status.PASS);
        assertThat(report.counts().events()).isEqualTo(placed.size());
        assertThat(report.counts().transfers()).isPositive();
        assertThat(placed)
                .allSatisfy(p -> assertThat(ConsistentHash.partition(p.event().accountId(), PARTITIONS))
                        .isEqualTo(p.partition()));
    }

    @Test
    void shouldBeCaughtByTheAuditWhenAnEventIsDropped() {
        Workload workload = new Workload(20, PARTITIONS, Workload.Mix.DEFAULT, 1_000);
        List<Placed> placed = new ArrayList<>();
        long[] offsets = new long[PARTITIONS];
        AuditLedger.generate(workload, 1_000, 3, (account, event) -> {
            int partition = workload.partitionOf(account);
            placed.add(new Placed(partition, offsets[partition]++, event));
        });

        placed.remove(placed.size() / 2);

        AuditReport report = audit(placed);
        assertThat(report.status()).isEqualTo(AuditReport.Status.FAIL);
        assertThat(report.result(Invariant.VERSIONS).status())
                .isNotEqualTo(io.ledgerstream.audit.InvariantResult.Status.PASS);
    }

    private static AuditReport audit(List<Placed> placed) {
        LedgerAudit audit = new LedgerAudit(
                LedgerAudit.Settings.of("events", null).withPartitionCount(PARTITIONS), 2, placed.size());
        long latest = 0;
        for (Placed p : placed) {
            audit.onEvent(p.partition(), p.offset(), p.event());
            latest = Math.max(latest, p.event().timestampMs());
        }
        return audit.finish(latest + 3_600_000);
    }
}

package io.ledgerstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RatiosTest {

    @Test
    void shouldExpressHeadlineFiguresAsRatiosToTheCeilingOfTheSameRun() {
        Results.Run run = Fixtures.run(100, 3000, 100_000, 140);
        Map<String, Double> r = run.ratios();
        assertThat(r.get("e2eAcceptedPerRawProducer")).isEqualTo(0.03);
        assertThat(r.get("fixedRateP50PerRaw")).isEqualTo(1.6); // 80 ms vs 50 ms
        assertThat(r.get("fixedRateP99PerRaw")).isEqualTo(1.4); // 140 ms vs 100 ms
        assertThat(r.get("eventsReadPerRawConsumer")).isEqualTo(0.6);
        // CPU: (30 + 15) s per 90000 accepted vs (1 + 15) s per 1.5 M raw records
        assertThat(r.get("cpuPerRecordPerRaw")).isCloseTo((45.0 / 90_000) / (16.0 / 1_500_000), within());
        assertThat(r.get("brokerCpuPerRecordPerRaw")).isCloseTo((15.0 / 90_000) / (15.0 / 1_500_000), within());
        assertThat(r.get("engineRssPerBrokerRss")).isEqualTo(2.0);
    }

    @Test
    void shouldMarkTheThroughputTargetMetOnlyAtAQuarterOfTheCeiling() {
        assertThat(target(Fixtures.run(100, 25_000, 100_000, 100), "throughput").status())
                .isEqualTo("MET");
        assertThat(target(Fixtures.run(100, 24_000, 100_000, 100), "throughput").status())
                .isEqualTo("NOT MET");
    }

    @Test
    void shouldCompareTheFixedRateP99WithTheCommitIntervalPlusFiftyMilliseconds() {
        Results.Target met = target(Fixtures.run(100, 3000, 100_000, 150), "latency");
        assertThat(met.threshold()).isEqualTo(150.0);
        assertThat(met.status()).isEqualTo("MET");
        assertThat(target(Fixtures.run(100, 3000, 100_000, 151), "latency").status())
                .isEqualTo("NOT MET");
        assertThat(target(Fixtures.run(20, 3000, 100_000, 80), "latency").status())
                .isEqualTo("NOT MET");
    }

    @Test
    void shouldReportTheAuditTargetAsNotMeasuredWhenTheAuditWasNotRun() {
        assertThat(target(Fixtures.run(100, 3000, 100_000, 150), "audit").status())
                .isEqualTo("NOT MEASURED");
    }

    @Test
    void shouldCompareTheMedianAuditRateWithTheMedianRawConsumerRate() {
        Results.AuditReplay audit = new Results.AuditReplay(
                "events",
                3,
                1000,
                1000,
                AuditBench.median(java.util.List.of(900_000.0, 1_000_000.0, 1_100_000.0)),
                AuditBench.median(java.util.List.of(400_000.0, 600_000.0, 500_000.0)),
                0.5,
                java.util.List.of(),
                java.util.List.of(),
                java.util.List.of(),
                null,
                null,
                java.util.List.of("PASS", "PASS", "PASS"),
                0);
        assertThat(audit.rawRecordsPerSec()).isEqualTo(1_000_000.0);
        assertThat(audit.auditEventsPerSec()).isEqualTo(500_000.0);
        Results.Target t = Ratios.auditTarget(audit);
        assertThat(t.status()).isEqualTo("MET");
        assertThat(t.note()).contains("PASS");
        assertThat(AuditBench.median(java.util.List.of(1.0, 3.0))).isEqualTo(2.0);
        assertThat(AuditBench.median(java.util.List.of())).isNull();
    }

    @Test
    void shouldLeaveARatioOutWhenItsCeilingIsMissing() {
        Results.RawProducer noRecords = Fixtures.raw(null, 0, 1, 1);
        Results.Phase sat = Fixtures.phase("saturation", null, 3000, 100, 200);
        Map<String, Double> r = Ratios.of(sat, null, noRecords, null, Fixtures.consumer("t", 0), null);
        assertThat(r.get("e2eAcceptedPerRawProducer")).isNull();
        assertThat(r).doesNotContainKey("fixedRateP99PerRaw").doesNotContainKey("eventsReadPerRawConsumer");
    }

    private static Results.Target target(Results.Run run, String name) {
        return run.targets().stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(0.01);
    }
}

package io.ledgerstream.bench;

import java.util.List;
import java.util.Map;

/** Hand-made results for the tests of the result math, JSON and reports. */
final class Fixtures {

    private Fixtures() {}

    static Results.Latency latency(double p50, double p99) {
        return new Results.Latency(1000, p50, p50 * 1.5, p99, p99 * 1.1, p99 * 1.2, p50);
    }

    static Map<String, Results.Usage> usage(double engineCpuSeconds, double brokerCpuSeconds) {
        return Map.of(
                "engine", new Results.Usage(1, engineCpuSeconds / 30, engineCpuSeconds, 800L << 20),
                "broker", new Results.Usage(1, brokerCpuSeconds / 30, brokerCpuSeconds, 400L << 20));
    }

    static Results.Load load() {
        return new Results.Load(new double[] {1.0, 1.1, 1.2}, new double[] {2.0, 1.5, 1.3});
    }

    static Results.Phase phase(String name, Double offered, double acceptedPerSec, double p50, double p99) {
        long accepted = Math.round(acceptedPerSec * 30);
        return new Results.Phase(
                name,
                offered == null ? "saturation" : "fixed-rate",
                offered,
                30,
                accepted + 10,
                accepted + 10,
                accepted,
                10,
                Map.of("INSUFFICIENT_FUNDS", 10L),
                0,
                Map.of(),
                5,
                5,
                0,
                0,
                acceptedPerSec,
                acceptedPerSec + 0.33,
                latency(p50, p99),
                Map.of("deposit", latency(p50, p99)),
                usage(30, 15),
                load());
    }

    static Results.RawProducer raw(Double offered, double recordsPerSec, double p50, double p99) {
        return new Results.RawProducer(
                "bench-p0.raw",
                1,
                9,
                83,
                100,
                offered,
                15,
                Math.round(recordsPerSec * 15),
                150,
                recordsPerSec,
                recordsPerSec * 92 / 1e6,
                latency(5, 20),
                latency(p50, p99),
                Map.of("linger.ms", "5"),
                usage(1, 15),
                load());
    }

    static Results.RawConsumer consumer(String topic, double recordsPerSec) {
        return new Results.RawConsumer(topic, 2, 100_000, 9_200_000, true, recordsPerSec, 9.2, usage(0, 1), load());
    }

    static Results.Run run(long commitIntervalMs, double accepted, double raw, double fixedP99) {
        Results.Phase sat = phase("saturation", null, accepted, 200, 400);
        Results.Phase fixed = phase("fixed-rate", accepted / 2, accepted / 2, 80, fixedP99);
        Results.RawProducer rawSat = raw(null, raw, 300, 500);
        Results.RawProducer rawFixed = raw(accepted / 2, accepted / 2, 50, 100);
        Results.RawConsumer rc = consumer("bench-p0.raw", 1_000_000);
        Results.RawConsumer ec = consumer("bench-p0.ledger.events", 600_000);
        Map<String, Double> ratios = Ratios.of(sat, fixed, rawSat, rawFixed, rc, ec);
        return new Results.Run(
                "e2e",
                "test",
                "2026-01-01T00:00:00Z",
                Map.of("availableProcessors", 2),
                Map.of("partitions", 8, "sweep", Map.of("param", "partitions", "value", 8)),
                Map.of(),
                sat,
                sat,
                fixed,
                rawSat,
                rawFixed,
                rc,
                ec,
                null,
                Map.of("stateDirBytes", 10L << 20, "requestIdsDecidedAtMost", 123456),
                Map.of("total", 8.7),
                ratios,
                Ratios.targets(commitIntervalMs, sat, fixed, rawSat, null, ratios),
                List.of());
    }
}

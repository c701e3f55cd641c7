package io.ledgerstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonResultsTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteARunAsJsonWithItsFigureNamesAndReadItBack() {
        JsonResults json = new JsonResults();
        Path file = dir.resolve("nested/run.json");
        json.write(file, Fixtures.run(100, 3000, 100_000, 140));
        assertThat(file).exists();
        JsonNode read = json.read(file);
        assertThat(read.path("saturation").path("acceptedPerSec").asDouble()).isEqualTo(3000.0);
        assertThat(read.path("saturation").path("latency").path("p99Ms").asDouble())
                .isEqualTo(400.0);
        assertThat(read.path("ratios").path("e2eAcceptedPerRawProducer").asDouble())
                .isEqualTo(0.03);
        assertThat(read.path("targets").get(0).path("status").asText()).isEqualTo("NOT MET");
        assertThat(read.path("rawSaturation")
                        .path("producerSettings")
                        .path("linger.ms")
                        .asText())
                .isEqualTo("5");
    }

    @Test
    void shouldWriteAMissingFigureAsNullNeverAsNaN() throws Exception {
        Results.Latency empty = new Results.Latency(0, null, null, null, null, null, null);
        String text = new JsonResults().toJson(Map.of("latency", empty));
        assertThat(text).contains("\"p99Ms\" : null").doesNotContain("NaN");
        assertThat(Files.list(dir)).isEmpty();
    }

    @Test
    void shouldRenderASweepTableAndChartsFromTheJsonOfItsPoints() {
        JsonResults json = new JsonResults();
        JsonNode points =
                json.tree(List.of(Fixtures.run(100, 3000, 100_000, 140), Fixtures.run(100, 6000, 150_000, 140)));
        String md = SweepReport.markdown("sweep-test", "partitions", points);
        assertThat(md)
                .contains("### sweep-test")
                .contains("| partitions | accepted/s | raw txn records/s | ratio |")
                .contains("| 8 | 3000 | 100000 | 0.030 |")
                .contains("| 8 | 6000 | 150000 | 0.040 |")
                .contains("xychart-beta")
                .contains("bar [3000, 6000]")
                .contains("bar [0.03, 0.04]")
                .contains("bar [100000, 150000]");
    }

    @Test
    void shouldComputeRecordsWrittenPerOutcomeFromTwoOffsetSnapshots() {
        Map<String, Double> per = OffsetProbe.perUnit(
                Map.of("a.events", 100L, "a.outcomes", 50L),
                Map.of("a.events", 300L, "a.outcomes", 150L, "a.new", 10L),
                100,
                "a.");
        assertThat(per)
                .containsEntry("events", 2.0)
                .containsEntry("outcomes", 1.0)
                .containsEntry("new", 0.1)
                .containsEntry("total", 3.1);
        assertThat(OffsetProbe.perUnit(Map.of(), Map.of("x", 1L), 0, null)).isEmpty();
    }
}

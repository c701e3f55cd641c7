package io.ledgerstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every top-level schema must be FULL compatible (backward and forward) with each of its committed previous
 * versions under {@code src/test/resources/schema-history/<full name>/<n>.avsc}, so a breaking change fails the
 * build. To record the current schemas as a new version after a compatible change, run
 * {@code ./mvnw -pl schemas test -Dledgerstream.schemas.snapshot=true} and commit the new files.
 */
class SchemaEvolutionTest {

    static final Path HISTORY = Path.of("src/test/resources/schema-history");

    @TestFactory
    Stream<DynamicTest> shouldStayFullyCompatibleWithEveryCommittedVersion() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Class<? extends SpecificRecord> type : Schemas.TOP_LEVEL) {
            Schema current = Schemas.schemaOf(type);
            for (Path version : versionsOf(current)) {
                Schema previous = new Schema.Parser().parse(Files.readString(version, StandardCharsets.UTF_8));
                tests.add(DynamicTest.dynamicTest(
                        current.getName() + " vs " + version.getFileName(),
                        () -> assertFullyCompatible(current, previous, version)));
            }
        }
        return tests.stream();
    }

    @Test
    void shouldHaveACommittedVersionOfEveryTopLevelSchema() throws IOException {
        boolean snapshot = Boolean.getBoolean("ledgerstream.schemas.snapshot");
        for (Class<? extends SpecificRecord> type : Schemas.TOP_LEVEL) {
            Schema current = Schemas.schemaOf(type);
            List<Path> versions = versionsOf(current);
            boolean latestIsCurrent = !versions.isEmpty()
                    && new Schema.Parser()
                            .parse(Files.readString(versions.get(versions.size() - 1)))
                            .equals(current);
            if (snapshot && !latestIsCurrent) {
                Path dir = HISTORY.resolve(current.getFullName());
                Files.createDirectories(dir);
                Files.writeString(dir.resolve((versions.size() + 1) + ".avsc"), current.toString(true) + "\n");
                versions = versionsOf(current);
            }
            assertThat(versions)
                    .as(
                            "committed versions of %s (run with -Dledgerstream.schemas.snapshot=true to record one)",
                            current.getFullName())
                    .isNotEmpty();
        }
    }

    static void assertFullyCompatible(Schema current, Schema previous, Path version) {
        SchemaCompatibility.SchemaPairCompatibility backward =
                SchemaCompatibility.checkReaderWriterCompatibility(current, previous);
        SchemaCompatibility.SchemaPairCompatibility forward =
                SchemaCompatibility.checkReaderWriterCompatibility(previous, current);
        assertThat(backward.getType())
                .as("new %s must read data written with %s: %s", current.getName(), version, describe(backward))
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(forward.getType())
                .as("%s must read data written with the new %s: %s", version, current.getName(), describe(forward))
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    static List<String> describe(SchemaCompatibility.SchemaPairCompatibility pair) {
        return pair.getResult().getIncompatibilities().stream()
                .map(i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
                .toList();
    }

    static List<Path> versionsOf(Schema schema) throws IOException {
        Path dir = HISTORY.resolve(schema.getFullName());
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".avsc"))
                    .sorted((a, b) -> Integer.compare(number(a), number(b)))
                    .toList();
        }
    }

    private static int number(Path p) {
        String name = p.getFileName().toString();
        return Integer.parseInt(name.substring(0, name.length() - ".avsc".length()));
    }
}

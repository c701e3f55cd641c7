package io.ledgerstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes and reads result files (pretty-printed JSON, one {@link Results.Run} or a sweep per file). Thread-safe. */
final class JsonResults {

    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * The first fields of a scenario's result file, in this order: {@code scenario}, {@code label}, {@code startedAt}
     * and the {@code machine} ({@link Machine#describe()}); the caller adds the rest.
     */
    static Map<String, Object> header(String scenario, String label, String startedAt) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("scenario", scenario);
        doc.put("label", label);
        doc.put("startedAt", startedAt);
        doc.put("machine", Machine.describe());
        return doc;
    }

    String toJson(Object result) {
        try {
            return mapper.writeValueAsString(result);
        } catch (IOException e) {
            throw new UncheckedIOException("could not serialize the result", e);
        }
    }

    void write(Path file, Object result) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, toJson(result) + System.lineSeparator());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    JsonNode read(Path file) {
        try {
            return mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }

    JsonNode tree(Object result) {
        return mapper.valueToTree(result);
    }
}

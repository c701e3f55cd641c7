package io.ledgerstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class SchemaDocumentationTest {

    @Test
    void shouldDocumentEveryRecordEnumAndField() {
        List<String> undocumented = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Class<? extends SpecificRecord> type : Schemas.TOP_LEVEL) {
            collect(Schemas.schemaOf(type), seen, undocumented);
        }
        assertThat(seen).hasSizeGreaterThan(20);
        assertThat(undocumented).as("schema elements without a doc string").isEmpty();
    }

    @Test
    void shouldNeverUseFloatingPointTypes() {
        List<String> floating = new ArrayList<>();
        for (Class<? extends SpecificRecord> type : Schemas.TOP_LEVEL) {
            findFloating(Schemas.schemaOf(type), new HashSet<>(), floating, type.getSimpleName());
        }
        assertThat(floating)
                .as("amounts are long minor units, never float or double")
                .isEmpty();
    }

    private static void collect(Schema schema, Set<String> seen, List<String> undocumented) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!seen.add(schema.getFullName())) {
                    return;
                }
                if (blank(schema.getDoc())) {
                    undocumented.add(schema.getFullName());
                }
                for (Schema.Field field : schema.getFields()) {
                    if (blank(field.doc())) {
                        undocumented.add(schema.getFullName() + "." + field.name());
                    }
                    collect(field.schema(), seen, undocumented);
                }
            }
            case ENUM -> {
                if (seen.add(schema.getFullName()) && blank(schema.getDoc())) {
                    undocumented.add(schema.getFullName());
                }
            }
            case UNION -> schema.getTypes().forEach(s -> collect(s, seen, undocumented));
            case ARRAY -> collect(schema.getElementType(), seen, undocumented);
            case MAP -> collect(schema.getValueType(), seen, undocumented);
            default -> {}
        }
    }

    private static void findFloating(Schema schema, Set<String> seen, List<String> found, String path) {
        switch (schema.getType()) {
            case FLOAT, DOUBLE -> found.add(path);
            case RECORD -> {
                if (seen.add(schema.getFullName())) {
                    schema.getFields().forEach(f -> findFloating(f.schema(), seen, found, path + "." + f.name()));
                }
            }
            case UNION -> schema.getTypes().forEach(s -> findFloating(s, seen, found, path));
            case ARRAY -> findFloating(schema.getElementType(), seen, found, path);
            case MAP -> findFloating(schema.getValueType(), seen, found, path);
            default -> {}
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}

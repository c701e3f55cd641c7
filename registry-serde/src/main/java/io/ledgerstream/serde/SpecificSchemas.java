package io.ledgerstream.serde;

import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/** Finds the schema and the data model (with its logical-type conversions) of generated Avro classes. */
final class SpecificSchemas {

    private SpecificSchemas() {}

    /** Returns the class's schema: the generated {@code SCHEMA$}, the same instance its records return. */
    static Schema schemaOf(Class<? extends SpecificRecord> type) {
        Objects.requireNonNull(type, "type");
        Schema schema = SpecificData.getForClass(type).getSchema(type);
        if (schema == null || schema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException(type.getName() + " is not a generated Avro record class");
        }
        return schema;
    }

    /** Returns the class's model: its generated {@code MODEL$}, which knows its logical-type conversions. */
    static SpecificData modelOf(Class<?> type) {
        return SpecificData.getForClass(type);
    }

    /** Returns the generated class for a record schema. */
    static Class<?> classOf(Schema schema) {
        Objects.requireNonNull(schema, "schema");
        if (schema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException("schema must be a record schema, was " + schema.getType());
        }
        Class<?> type = SpecificData.get().getClass(schema);
        if (type == null || !SpecificRecord.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(
                    "No generated Avro class " + schema.getFullName() + " on the class path for this schema");
        }
        return type;
    }
}

package io.ledgerstream.engine;

import io.ledgerstream.serde.CorruptPayloadException;
import io.ledgerstream.serde.UnknownMagicByteException;
import io.ledgerstream.serde.UnknownSchemaIdException;

/**
 * Decides whether a failure to read a record is poison (the record itself is bad: dead-letter it and go on) or an
 * infrastructure failure (e.g. the registry is unreachable: rethrow, so the task fails, restarts and reads the
 * record again; nothing is lost and nothing good is dead-lettered).
 */
final class DeadLetters {

    private DeadLetters() {}

    /** Returns the dead-letter reason code for a poison record, or rethrows {@code e} when it is not poison. */
    static String classify(RuntimeException e) {
        if (e instanceof UnknownMagicByteException) {
            return "UNKNOWN_MAGIC_BYTE";
        }
        if (e instanceof UnknownSchemaIdException) {
            return "UNKNOWN_SCHEMA_ID";
        }
        if (e instanceof CorruptPayloadException) {
            return "CORRUPT_RECORD";
        }
        if (e instanceof Codec.InvalidCommandException) {
            return "INVALID_COMMAND";
        }
        throw e; // RegistryUnavailableException, RegistryRequestException, bugs: not the record's fault
    }
}

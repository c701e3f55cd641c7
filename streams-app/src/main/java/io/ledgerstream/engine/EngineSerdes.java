package io.ledgerstream.engine;

import io.ledgerstream.schemas.CommandEnvelope;
import io.ledgerstream.schemas.DeadLetter;
import io.ledgerstream.schemas.LedgerEvent;
import io.ledgerstream.schemas.Outcome;
import io.ledgerstream.schemas.TransferLeg;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * The registry-backed value serdes of the engine's topics. Built once in {@code main} (or a test) and passed to
 * {@link LedgerTopology#build}.
 */
public record EngineSerdes(
        Serde<CommandEnvelope> commands,
        Serde<Outcome> outcomes,
        Serde<LedgerEvent> events,
        Serde<TransferLeg> legs,
        Serde<DeadLetter> deadLetters) {
    public EngineSerdes {
        Objects.requireNonNull(commands, "commands");
        Objects.requireNonNull(outcomes, "outcomes");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(legs, "legs");
        Objects.requireNonNull(deadLetters, "deadLetters");
    }
}

package io.ledgerstream.engine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Records {@link LedgerMetrics} in a Micrometer registry. Names and tags (Prometheus form in brackets) are documented in
 * {@code docs/metrics.md}; tag values come from closed sets (outcome status, reason codes, dead-letter reasons), so the
 * number of series is bounded.
 *
 * <p>Thread-safe (Micrometer meters are).
 */
final class MicrometerLedgerMetrics implements LedgerMetrics {

    static final String COMMANDS_RECEIVED = "ledgerstream.commands.received";
    static final String COMMANDS_REROUTED = "ledgerstream.commands.rerouted";
    static final String OUTCOMES = "ledgerstream.outcomes";
    static final String OUTCOME_LATENCY = "ledgerstream.outcome.latency";
    static final String DEDUP_HITS = "ledgerstream.dedup.hits";
    static final String REQUEST_IDS_REUSED = "ledgerstream.request.ids.reused";
    static final String DEAD_LETTERS = "ledgerstream.dead.letters";
    static final String TRANSFERS = "ledgerstream.transfers";
    static final String TRANSFER_DURATION = "ledgerstream.transfer.duration";

    private final MeterRegistry registry;
    private final Counter commandsReceived;
    private final Counter commandsRerouted;
    private final Counter requestIdsReused;
    private final Counter dedupComplete;
    private final Counter dedupPending;
    private final Counter transfersStarted;
    private final Counter transfersSettled;
    private final Counter transfersRefunded;
    private final Timer latency;
    private final Timer transferDuration;

    MicrometerLedgerMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.commandsReceived = Counter.builder(COMMANDS_RECEIVED)
                .description("Commands read from the commands topic (re-routed copies count again)")
                .register(registry);
        this.commandsRerouted = Counter.builder(COMMANDS_REROUTED)
                .description("Commands forwarded to the partition that owns their account")
                .register(registry);
        this.requestIdsReused = Counter.builder(REQUEST_IDS_REUSED)
                .description("Request IDs reused with a different payload (REQUEST_ID_REUSED)")
                .register(registry);
        this.dedupComplete = dedup("complete");
        this.dedupPending = dedup("pending");
        this.transfersStarted = transfers("started");
        this.transfersSettled = transfers("settled");
        this.transfersRefunded = transfers("refunded");
        this.latency = Timer.builder(OUTCOME_LATENCY)
                .description("From a command's creation by its client (submittedAtMs) to its first outcome"
                        + " (processedAtMs); replays are not counted")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(1))
                .register(registry);
        this.transferDuration = Timer.builder(TRANSFER_DURATION)
                .description("Cross-partition transfers: from the source debit to the final outcome")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(1))
                .register(registry);
    }

    private Counter dedup(String state) {
        return Counter.builder(DEDUP_HITS)
                .description("Request IDs seen again with the same payload (retries)")
                .tag("state", state)
                .register(registry);
    }

    private Counter transfers(String stage) {
        return Counter.builder(TRANSFERS)
                .description("Cross-partition transfers by stage; in flight = started - settled - refunded")
                .tag("stage", stage)
                .register(registry);
    }

    @Override
    public void commandReceived() {
        commandsReceived.increment();
    }

    @Override
    public void commandRerouted() {
        commandsRerouted.increment();
    }

    @Override
    public void outcome(String status, String reason, boolean replay) {
        Counter.builder(OUTCOMES)
                .description("Outcomes written, by status and reason code")
                .tag("status", status)
                .tag("reason", reason == null ? "NONE" : reason)
                .tag("replay", Boolean.toString(replay))
                .register(registry)
                .increment();
    }

    @Override
    public void endToEndLatency(long millis) {
        latency.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    @Override
    public void dedupHit(boolean pending) {
        (pending ? dedupPending : dedupComplete).increment();
    }

    @Override
    public void requestIdReused() {
        requestIdsReused.increment();
    }

    @Override
    public void deadLetter(String reason) {
        Counter.builder(DEAD_LETTERS)
                .description("Records sent to the dead-letter topic, by reason")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    @Override
    public void transferStarted() {
        transfersStarted.increment();
    }

    @Override
    public void transferCompleted(boolean refunded, long sagaMillis) {
        (refunded ? transfersRefunded : transfersSettled).increment();
        transferDuration.record(Math.max(0, sagaMillis), TimeUnit.MILLISECONDS);
    }
}

package io.ledgerstream.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.sdk.Command;
import io.ledgerstream.sdk.LedgerClient;
import io.ledgerstream.sdk.Outcome;
import io.ledgerstream.testkit.Await;
import io.ledgerstream.testkit.EmbeddedKafka;
import io.ledgerstream.testkit.EmbeddedRegistry;
import io.ledgerstream.testkit.LedgerstreamTestEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Client crash and retry: an SDK client in its own JVM ({@link ClientProcessMain}) journals each command before
 * sending it in batches, and is killed with SIGKILL mid-batch, {@code faults.client.cycles} times (default 5). Each
 * time a successor client with the same client ID (so the same transactional ID: it fences the dead producer and
 * aborts its open transaction) reads the journal and resubmits every journaled command with its request ID. Each
 * command must take effect exactly once: those the dead client had committed are answered as replays, the rest are
 * decided now. A steady workload from another client runs throughout.
 */
@Tag(FaultSuite.TAG)
@ExtendWith(LedgerstreamTestEnvironment.class)
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class ClientCrashFaultIT {

    static final String CRASHY = "crashy-client";
    static final Duration STEP = Duration.ofSeconds(120);
    static final int RESUBMIT_CHUNK = 100;

    @Test
    void shouldApplyEachJournaledCommandOnceWhenASuccessorResubmits(EmbeddedRegistry registry) throws IOException {
        int cycles = FaultSuite.intProperty("faults.client.cycles", 5);
        Random random = new Random(FaultSuite.seed());
        try (EmbeddedKafka kafka = FaultScenario.kafkaForFaults(1).start();
                FaultScenario s = new FaultScenario("client-crash", kafka, registry, (short) 1)) {
            s.startFirstEngine("engine");
            Workload steady = s.workload(
                    "steady-client", Workload.Settings.standard(40, FaultScenario.PARTITIONS), FaultSuite.seed());
            steady.openAccounts(STEP);
            steady.start();
            s.awaitMoreOutcomes(100, STEP);

            List<Long> resubmitMs = new ArrayList<>();
            long journaled = 0;
            long answeredBeforeCrash = 0;
            long replays = 0;
            long decidedBySuccessor = 0;
            for (int cycle = 0; cycle < cycles; cycle++) {
                Path journal = s.logDirectory.resolve("client-journal-" + cycle + ".tsv");
                int killAfter = 100 + random.nextInt(500);
                ChildJvm client = ChildJvm.start(
                        CRASHY + "-" + cycle,
                        ClientProcessMain.class.getName(),
                        List.of(
                                "bootstrap=" + kafka.bootstrapServers(),
                                "registry=" + registry.url(),
                                "commands=" + s.commandsTopic(),
                                "outcomes=" + s.outcomesTopic(),
                                "events=" + s.eventsTopic(),
                                "client=" + CRASHY,
                                "journal=" + journal,
                                "accounts=" + String.join(",", steady.accounts()),
                                "seed=" + random.nextLong(),
                                "batch=" + (10 + random.nextInt(40))),
                        s.logDirectory.resolve(CRASHY + "-" + cycle + ".log"));
                try {
                    Await.await(STEP, "the client journaled " + killAfter + " commands", () -> {
                        if (!client.isAlive()) {
                            throw new AssertionError("the client exited on its own; see " + client.logFile());
                        }
                        return submitLines(journal) >= killAfter;
                    });
                    s.faults.injected("SIGKILL client", client.name(), FaultScenario.allPartitions());
                    client.kill();
                } finally {
                    client.close();
                }
                long killedAt = System.currentTimeMillis();

                String dead = CRASHY + "-" + cycle;
                List<Op> ops = s.history.importJournal(journal, dead);
                journaled += ops.size();
                Set<String> seen = s.history.observations().stream()
                        .filter(o -> o.clientId().equals(dead))
                        .map(o -> o.outcome().requestId())
                        .collect(Collectors.toSet());
                answeredBeforeCrash += seen.size();
                long[] counts = resubmit(s, ops);
                replays += counts[0];
                decidedBySuccessor += counts[1];
                resubmitMs.add(System.currentTimeMillis() - killedAt);
                s.awaitMoreOutcomes(50, STEP);
            }

            CheckReport report = s.settleAndCheck();
            Collections.sort(resubmitMs);
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("client kills", cycles);
            extra.put("commands journaled by the killed clients", journaled);
            extra.put("of which answered before the kill", answeredBeforeCrash);
            extra.put("resubmitted by successors: answered as replays (applied before the crash)", replays);
            extra.put(
                    "resubmitted by successors: answered with the deciding outcome (never committed by the killed client,"
                            + " or a transfer still in flight)",
                    decidedBySuccessor);
            extra.put(
                    "kill to every journaled command answered, ms (p50/max)",
                    resubmitMs.get((resubmitMs.size() + 1) / 2 - 1) + "/" + resubmitMs.get(resubmitMs.size() - 1));
            extra.put("records of aborted transactions (read_uncommitted - read_committed)", s.abortedRecords());
            extra.put("audit", s.audit());
            s.writeReport(report, extra);

            report.assertOk();
            assertThat(replays + decidedBySuccessor).isEqualTo(journaled);
            assertThat(report.count("lost")).isZero();
            assertThat(report.count("duplicatedOutcomes") + report.count("duplicatedEvents"))
                    .isZero();
            assertThat(report.count("halfApplied")).isZero();
        }
    }

    /** A successor with the same client ID resubmits every journaled op; returns {replays, fresh decisions}. */
    private static long[] resubmit(FaultScenario s, List<Op> ops) {
        Map<String, Outcome> answers = new ConcurrentHashMap<>();
        try (LedgerClient successor = s.client(CRASHY)) {
            List<CompletableFuture<Outcome>> futures = new ArrayList<>();
            for (int from = 0; from < ops.size(); from += RESUBMIT_CHUNK) {
                List<Op> chunk = ops.subList(from, Math.min(ops.size(), from + RESUBMIT_CHUNK));
                List<Command> commands = chunk.stream().map(Op::toCommand).toList();
                chunk.forEach(op -> s.history.submitted(op, CRASHY));
                List<CompletableFuture<Outcome>> sent = successor.submitAll(commands);
                for (CompletableFuture<Outcome> f : sent) {
                    futures.add(f.thenApply(o -> {
                        s.history.observed(ObservedOutcome.fromSdk(o), CRASHY);
                        answers.put(o.requestId(), o);
                        return o;
                    }));
                }
            }
            Await.await(
                    STEP,
                    "the successor received an outcome for each of " + ops.size() + " journaled commands",
                    () -> answers.size() == ops.size());
        }
        long replays = answers.values().stream().filter(Outcome::replay).count();
        return new long[] {replays, answers.size() - replays};
    }

    private static long submitLines(Path journal) {
        try {
            if (!Files.exists(journal)) {
                return 0;
            }
            try (var lines = Files.lines(journal)) {
                return lines.filter(l -> l.startsWith(History.JOURNAL_SUBMIT + "\t"))
                        .count();
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0; // mid-write; the next poll reads it
        }
    }
}

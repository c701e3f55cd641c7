package io.ledgerstream.faults;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The client side of a run: every submission (request ID, command, time, client) and every outcome a client received,
 * as the history checker needs them. Jepsen calls this the history; the committed logs are checked against it.
 *
 * <p>A request ID may be submitted several times: retries and deliberate resends send the same op again; a
 * <i>clash</i> sends another payload under an ID already used (the engine must refuse it with {@code
 * REQUEST_ID_REUSED} and apply nothing). The command of a request ID is the op of its first non-clash submission.
 *
 * <p>Bounded: at most {@code entriesMax} submissions plus observations; recording beyond that throws, so a runaway
 * workload fails loudly instead of exhausting memory. Thread-safe: every method may be called from any thread
 * (futures complete on SDK threads).
 */
public final class History {

    /** Default bound of {@link #History(int)}: submissions plus observations. */
    public static final int DEFAULT_ENTRIES_MAX = 2_000_000;

    /** Journal line prefix of a submission (written before the command is sent). */
    public static final String JOURNAL_SUBMIT = "S";

    /** Journal line prefix of a received outcome. */
    public static final String JOURNAL_OUTCOME = "O";

    /**
     * One send of a request.
     *
     * @param op the command sent; not null
     * @param atMs when it was handed to the client, epoch milliseconds
     * @param clientId the sending client's ID; not null
     * @param clash true if this deliberately reuses the request ID of another op with a different payload
     */
    public record Submission(Op op, long atMs, String clientId, boolean clash) {
        /**
         * Checks the fields.
         *
         * @param op see the record component
         * @param atMs see the record component
         * @param clientId see the record component
         * @param clash see the record component
         */
        public Submission {
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(clientId, "clientId");
        }
    }

    /**
     * One outcome a client received.
     *
     * @param outcome the outcome; not null
     * @param atMs when the client received it, epoch milliseconds
     * @param clientId the receiving client's ID; not null
     */
    public record Observation(ObservedOutcome outcome, long atMs, String clientId) {
        /**
         * Checks the fields.
         *
         * @param outcome see the record component
         * @param atMs see the record component
         * @param clientId see the record component
         */
        public Observation {
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(clientId, "clientId");
        }
    }

    private final int entriesMax;
    private final List<Submission> submissions = new ArrayList<>();
    private final List<Observation> observations = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    /** Creates an empty history bounded by {@link #DEFAULT_ENTRIES_MAX}. */
    public History() {
        this(DEFAULT_ENTRIES_MAX);
    }

    /**
     * Creates an empty history.
     *
     * @param entriesMax most submissions plus observations recorded, at least 1
     */
    public History(int entriesMax) {
        if (entriesMax < 1) {
            throw new IllegalArgumentException("entriesMax must be at least 1, was " + entriesMax);
        }
        this.entriesMax = entriesMax;
    }

    /**
     * Records a send of {@code op} now.
     *
     * @param op the command; not null
     * @param clientId the sending client; not null
     */
    public void submitted(Op op, String clientId) {
        add(new Submission(op, System.currentTimeMillis(), clientId, false));
    }

    /**
     * Records a send of {@code op} under a request ID already used for another payload.
     *
     * @param op the clashing command; not null
     * @param clientId the sending client; not null
     */
    public void submittedClash(Op op, String clientId) {
        add(new Submission(op, System.currentTimeMillis(), clientId, true));
    }

    /**
     * Records a submission with a given time (for journals and synthetic histories).
     *
     * @param submission the submission; not null
     */
    public synchronized void add(Submission submission) {
        Objects.requireNonNull(submission, "submission");
        ensureRoom();
        submissions.add(submission);
    }

    /**
     * Records an outcome a client received now.
     *
     * @param outcome the outcome; not null
     * @param clientId the receiving client; not null
     */
    public void observed(ObservedOutcome outcome, String clientId) {
        add(new Observation(outcome, System.currentTimeMillis(), clientId));
    }

    /**
     * Records an observation with a given time (for journals and synthetic histories).
     *
     * @param observation the observation; not null
     */
    public synchronized void add(Observation observation) {
        Objects.requireNonNull(observation, "observation");
        ensureRoom();
        observations.add(observation);
    }

    /**
     * Records a client-side failure (a timeout, a failed publication) for the report; it is not checked.
     *
     * @param requestId the request; not null
     * @param error what went wrong; not null
     */
    public synchronized void failed(String requestId, Throwable error) {
        if (failures.size() < entriesMax) {
            failures.add(requestId + ": " + error);
        }
    }

    /**
     * Returns a copy of the submissions in recording order.
     *
     * @return an unmodifiable list, never null
     */
    public synchronized List<Submission> submissions() {
        return List.copyOf(submissions);
    }

    /**
     * Returns a copy of the observations in recording order.
     *
     * @return an unmodifiable list, never null
     */
    public synchronized List<Observation> observations() {
        return List.copyOf(observations);
    }

    /**
     * Returns a copy of the recorded client-side failures.
     *
     * @return an unmodifiable list, never null
     */
    public synchronized List<String> failures() {
        return List.copyOf(failures);
    }

    /**
     * Returns the command of every request ID: the op of its first non-clash submission, in first-submission order.
     *
     * @return an unmodifiable map, never null
     */
    public synchronized Map<String, Op> commands() {
        Map<String, Op> commands = new LinkedHashMap<>();
        for (Submission s : submissions) {
            if (!s.clash()) {
                commands.putIfAbsent(s.op().requestId(), s.op());
            }
        }
        return java.util.Collections.unmodifiableMap(commands);
    }

    /**
     * Imports a journal written by {@link Journal}: its submissions and observations, attributed to {@code clientId}.
     * A torn last line (the writer was killed mid-write, so the command was never sent) is ignored.
     *
     * @param journal the file; not null
     * @param clientId the client that wrote it; not null
     * @return the ops submitted in the journal, in order, without duplicates; never null
     */
    public List<Op> importJournal(Path journal, String clientId) {
        String text;
        try {
            text = Files.readString(journal, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read journal " + journal, e);
        }
        // only complete lines count: a writer killed mid-write leaves a torn last line, never followed by a send
        int complete = text.lastIndexOf('\n') + 1;
        Map<String, Op> ops = new LinkedHashMap<>();
        for (String line : text.substring(0, complete).split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] head = line.split("\t", 3);
            if (head.length != 3) {
                throw new IllegalArgumentException("malformed journal line in " + journal + ": " + line);
            }
            long atMs = Long.parseLong(head[1]);
            if (head[0].equals(JOURNAL_SUBMIT)) {
                Op op = Op.fromLine(head[2]);
                add(new Submission(op, atMs, clientId, false));
                ops.putIfAbsent(op.requestId(), op);
            } else if (head[0].equals(JOURNAL_OUTCOME)) {
                add(new Observation(ObservedOutcome.fromLine(head[2]), atMs, clientId));
            } else {
                throw new IllegalArgumentException("unknown journal line kind in " + journal + ": " + line);
            }
        }
        return List.copyOf(ops.values());
    }

    private void ensureRoom() {
        if (submissions.size() + observations.size() >= entriesMax) {
            throw new IllegalStateException("history is full: " + entriesMax + " entries (raise entriesMax)");
        }
    }

    /**
     * An append-only journal a client process writes before it sends each command (and after each outcome), so that
     * a successor can resubmit the same request IDs after a crash. Lines: {@code S<TAB>atMs<TAB>op} and {@code
     * O<TAB>atMs<TAB>outcome}. Every write is flushed to the operating system before the method returns, so it
     * survives a SIGKILL of the writer. Thread-safe.
     */
    public static final class Journal implements AutoCloseable {
        private final BufferedWriter writer;

        /**
         * Opens (creates or appends to) a journal.
         *
         * @param file the journal file; not null
         */
        public Journal(Path file) {
            try {
                this.writer = Files.newBufferedWriter(
                        file,
                        StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open journal " + file, e);
            }
        }

        /**
         * Journals ops about to be sent.
         *
         * @param ops the ops; not null
         */
        public synchronized void submitting(List<Op> ops) {
            long now = System.currentTimeMillis();
            StringBuilder s = new StringBuilder();
            for (Op op : ops) {
                s.append(JOURNAL_SUBMIT)
                        .append('\t')
                        .append(now)
                        .append('\t')
                        .append(op.toLine())
                        .append('\n');
            }
            write(s.toString());
        }

        /**
         * Journals a received outcome.
         *
         * @param outcome the outcome; not null
         */
        public synchronized void received(ObservedOutcome outcome) {
            write(JOURNAL_OUTCOME + "\t" + System.currentTimeMillis() + "\t" + outcome.toLine() + "\n");
        }

        private void write(String text) {
            try {
                writer.write(text);
                writer.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write journal", e);
            }
        }

        @Override
        public synchronized void close() {
            try {
                writer.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close journal", e);
            }
        }
    }
}

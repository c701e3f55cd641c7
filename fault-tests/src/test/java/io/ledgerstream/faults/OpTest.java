package io.ledgerstream.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.sdk.Command;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpTest {

    @Test
    void shouldRebuildTheSameRequestFromAnSdkCommand() {
        Command transfer = Command.transfer("alice", "bob", 250, "EUR");

        Op op = Op.of(transfer);
        Command rebuilt = Op.fromLine(op.toLine()).toCommand();

        assertThat(rebuilt.isRetryOf(transfer)).isTrue();
        assertThat(Op.of(rebuilt)).isEqualTo(op);
        assertThat(Op.of(Command.openAccount("carol", "EUR")).amount()).isZero();
    }

    @Test
    void shouldRefuseMalformedOps() {
        assertThatThrownBy(() -> new Op("r1", Op.Kind.DEPOSIT, "a", "b", 1, "EUR"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Op("r1", Op.Kind.DEPOSIT, "a", null, 0, "EUR"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Op.fromLine("r1\tDEPOSIT\ta")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldImportAJournalAndIgnoreATornLastLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("journal");
        Op first = new Op("r1", Op.Kind.DEPOSIT, "a", null, 10, "EUR");
        Op second = new Op("r2", Op.Kind.TRANSFER, "a", "b", 5, "EUR");
        try (History.Journal journal = new History.Journal(file)) {
            journal.submitting(List.of(first, second));
            journal.received(
                    new ObservedOutcome("r1", "a", "Deposit", true, null, null, 2, List.of(), false, 1L, -1, -1));
        }
        Files.writeString(
                file,
                "S\t5\tr3\tDEPOSIT\ta\t-\t7\tEU",
                StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND); // killed mid-write

        History history = new History();
        List<Op> ops = history.importJournal(file, "crashed");

        assertThat(ops).containsExactly(first, second);
        assertThat(history.submissions()).hasSize(2);
        assertThat(history.observations())
                .singleElement()
                .satisfies(o -> assertThat(o.outcome().requestId()).isEqualTo("r1"));
    }
}

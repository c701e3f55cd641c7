package io.ledgerstream.sdk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Argument handling and exit codes of the CLI; nothing here reaches a broker. */
class LedgerCliTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return LedgerCli.execute(new PrintWriter(out), new PrintWriter(err), args);
    }

    @Test
    void shouldPrintHelpAndExitZero() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("submit", "tail", "Exit codes");
    }

    @Test
    void shouldExitTwoWithoutACommand() {
        assertThat(run()).isEqualTo(LedgerCli.EXIT_ERROR);
        assertThat(err.toString()).contains("missing command");
    }

    @Test
    void shouldExitTwoNamingTheFieldOfAnInvalidCommand() {
        assertThat(run("submit", "deposit", "--account", "alice", "--currency", "EUR"))
                .isEqualTo(LedgerCli.EXIT_ERROR);
        assertThat(err.toString()).contains("amount");

        assertThat(run("submit", "deposit", "--account", "alice", "--amount", "0", "--currency", "EUR"))
                .isEqualTo(LedgerCli.EXIT_ERROR);
        assertThat(err.toString()).contains("amount must be > 0");

        assertThat(run("submit", "withdraw", "--account", "alice", "--amount", "5", "--currency", "euro"))
                .isEqualTo(LedgerCli.EXIT_ERROR);
        assertThat(err.toString()).contains("currency");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void shouldExitTwoOnAnUnknownTypeOrStream() {
        assertThat(run("submit", "teleport", "--account", "alice")).isEqualTo(LedgerCli.EXIT_ERROR);
        assertThat(err.toString()).contains("unknown command type 'teleport'");

        assertThat(run("tail", "sideways")).isEqualTo(LedgerCli.EXIT_ERROR);
        assertThat(err.toString()).contains("outcomes or events");
    }

    @Test
    void shouldExitTwoOnBadJson() {
        assertThat(run("submit", "deposit", "--json", "{\"account\":\"alice\",\"colour\":\"red\"}"))
                .isEqualTo(LedgerCli.EXIT_ERROR);
        assertThat(err.toString()).contains("colour");

        assertThat(run("submit", "deposit", "--json", "{not json")).isEqualTo(LedgerCli.EXIT_ERROR);
        assertThat(err.toString()).contains("not valid JSON");

        assertThat(run("submit", "deposit", "--json", "{\"account\":\"alice\",\"amount\":\"five\"}"))
                .isEqualTo(LedgerCli.EXIT_ERROR);
        assertThat(err.toString()).contains("'amount' must be an integer");
    }

    @Test
    void shouldExitTwoNamingAMissingSetting() {
        assertThat(run("submit", "deposit", "--account", "alice", "--amount", "5", "--currency", "EUR"))
                .isEqualTo(LedgerCli.EXIT_ERROR);
        assertThat(err.toString()).contains("bootstrap.servers");

        assertThat(run("--set", "colour=red", "tail", "events")).isEqualTo(LedgerCli.EXIT_ERROR);
        assertThat(err.toString()).contains("colour");
    }

    @Test
    void shouldExitTwoOnAnUnknownFlag() {
        assertThat(run("submit", "deposit", "--acount", "alice")).isEqualTo(LedgerCli.EXIT_ERROR);
        assertThat(err.toString()).contains("--acount");
    }
}

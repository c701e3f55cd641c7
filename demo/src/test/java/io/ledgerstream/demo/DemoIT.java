package io.ledgerstream.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's first command, run in-process: every scenario it promises must show in what it prints. */
class DemoIT {

    @Test
    void shouldRunTheSampleWorkloadAndPrintWhatHappened() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        new DemoMain(new PrintStream(buffer, true, StandardCharsets.UTF_8)).run();
        String out = buffer.toString(StandardCharsets.UTF_8);

        assertThat(out)
                .contains("engine   running")
                .containsPattern("deposit 100.00 EUR to alice\\s+ACCEPTED\\s+alice=100.00 v2")
                .containsPattern("\\(cross-partition\\)\\s+ACCEPTED\\s+alice=75.00 v3\\s+bob[-0-9]*=25.00 v2")
                .containsPattern("withdraw 500.00 EUR from bob[-0-9]*\\s+REJECTED INSUFFICIENT_FUNDS")
                .contains("REJECTED DESTINATION_REJECTED (CURRENCY_MISMATCH)")
                .containsPattern("retried deposit\\s+ACCEPTED \\[replay of the original outcome; nothing applied]")
                .contains("REJECTED REQUEST_ID_REUSED")
                .containsPattern("alice\\s+55.00 EUR\\s+\\(version 7, held 0.00\\)")
                .contains("10 ledger events")
                .contains("ledgerstream audit: PASS")
                .containsPattern("PASS\\s+HASH_CHAIN")
                .containsPattern("PASS\\s+CONSERVATION")
                .contains("3 accounts compared, 0 differ")
                .contains("everything was shut down");
    }
}

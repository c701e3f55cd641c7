package io.ledgerstream.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestTableTest {

    @Test
    void shouldKeepEveryRequestAndItsEventsWhenGrowingFarBeyondItsInitialSize() {
        // given
        StringPool names = new StringPool();
        RequestTable table = new RequestTable(names, 16);

        // when: 50,000 requests, every tenth with a second event and an outcome
        for (int i = 0; i < 50_000; i++) {
            table.addEvent(
                    "req-" + i,
                    EventKind.CREDITED,
                    true,
                    i % 4,
                    i,
                    2,
                    100 + i,
                    1_000 + i,
                    names.id("a-" + (i % 7)),
                    -1,
                    -1);
            if (i % 10 == 0) {
                table.addEvent(
                        "req-" + i,
                        EventKind.DEBITED,
                        false,
                        i % 4,
                        i + 1,
                        3,
                        5,
                        2_000,
                        names.id("a-" + (i % 7)),
                        -1,
                        -1);
                table.addOutcome(new OutcomeView("req-" + i, "a-" + (i % 7), "Deposit", true, null, false, 9), 1, i);
            }
        }

        // then
        assertThat(table.size()).isEqualTo(50_000);
        int request = table.find("req-12340");
        assertThat(table.key(request)).isEqualTo("req-12340");
        RequestEntry entry = new RequestEntry();
        table.copyInto(request, entry);
        assertThat(entry.events())
                .extracting(e -> e.kind, e -> e.amount, e -> e.applied, e -> e.accountId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(EventKind.CREDITED, 12_440L, true, "a-6"),
                        org.assertj.core.groups.Tuple.tuple(EventKind.DEBITED, 5L, false, "a-6"));
        assertThat(entry.outcome.commandType()).isEqualTo("Deposit");
        assertThat(entry.outcomeCount).isEqualTo(1);
        assertThat(table.find("req-50000")).isEqualTo(-1);
        assertThat(table.findEvent("req-12340", "a-6", 3).kind).isEqualTo(EventKind.DEBITED);
        assertThat(table.findEvent("req-12340", "a-5", 3)).isNull();
    }
}

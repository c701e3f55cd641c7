package io.ledgerstream.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestTableTest {

    @Test
    void shouldKeepEveryRequestAndItsEventsWhenGrowingFarBeyondItsInitialSize() {
        // given
        StringPool names = new StringPool();
        RequestTable table = new RequestTable(names, 16, 16);

        // when: 50,000 requests, every tenth with a second event and an outcome
        for (int i = 0; i < 50_000; i++) {
            add(
                    table,
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
                add(
                        table,
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
                byte[] id = RequestTable.bytesOf("req-" + i);
                table.addOutcome(
                        new OutcomeView("req-" + i, "a-" + (i % 7), "Deposit", true, null, false, 9),
                        id,
                        RequestTable.hash(id, 0, id.length),
                        1,
                        i);
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

    @Test
    void shouldGiveBackEveryFieldOfAnEventAtTheExtremesOfItsRange() {
        // given: fields packed two to a long, at the edges of their ranges, in events linked out of order
        StringPool names = new StringPool();
        RequestTable table = new RequestTable(names, 2, 2);
        int account = names.id("account-a");
        int counterparty = names.id("account-b");
        int currency = names.id("EUR");
        add(
                table,
                "t-1",
                EventKind.TRANSFER_DEBITED,
                true,
                Integer.MAX_VALUE,
                Long.MAX_VALUE,
                Long.MAX_VALUE,
                Long.MIN_VALUE,
                Long.MIN_VALUE,
                account,
                counterparty,
                currency);
        add(table, "other", EventKind.HOLD_EXPIRED, false, 0, 0, 1, 0, 0, counterparty, -1, -1);
        for (int i = 0; i < 40; i++) { // grows the event records between the two legs
            add(table, "filler-" + i, EventKind.CREDITED, true, 1, i, 1, 1, 1, account, -1, -1);
        }
        add(
                table,
                "t-1",
                EventKind.TRANSFER_CREDITED,
                false,
                0,
                -1,
                Long.MIN_VALUE,
                Long.MAX_VALUE,
                -1,
                counterparty,
                account,
                currency);

        // when
        RequestEntry entry = new RequestEntry();
        table.copyInto(table.find("t-1"), entry);
        RequestEntry other = new RequestEntry();
        table.copyInto(table.find("other"), other);

        // then
        assertThat(entry.events())
                .extracting(e -> e.kind, e -> e.applied, e -> e.partition, e -> e.offset, e -> e.version)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                EventKind.TRANSFER_DEBITED, true, Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE),
                        org.assertj.core.groups.Tuple.tuple(
                                EventKind.TRANSFER_CREDITED, false, 0, -1L, Long.MIN_VALUE));
        assertThat(entry.events())
                .extracting(e -> e.amount, e -> e.timestampMs, e -> e.accountId, e -> e.counterparty, e -> e.currency)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                Long.MIN_VALUE, Long.MIN_VALUE, "account-a", "account-b", "EUR"),
                        org.assertj.core.groups.Tuple.tuple(Long.MAX_VALUE, -1L, "account-b", "account-a", "EUR"));
        assertThat(other.events())
                .extracting(e -> e.kind, e -> e.accountId, e -> e.counterparty, e -> e.currency)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(EventKind.HOLD_EXPIRED, "account-b", null, null));
        assertThat(table.findEvent("t-1", "account-b", Long.MIN_VALUE).kind).isEqualTo(EventKind.TRANSFER_CREDITED);
    }

    @Test
    void shouldKeepARequestsEventsInArrivalOrderWhateverComesBetweenThem() {
        StringPool names = new StringPool();
        RequestTable table = new RequestTable(names, 2, 2);
        int account = names.id("a");
        for (int i = 0; i < 5; i++) { // five events of one request, each after an event of another request
            add(table, "other-" + i, EventKind.CREDITED, true, 0, 100 + i, 1, 1, 1, account, -1, -1);
            add(table, "same", EventKind.CREDITED, i == 0, 1, i, i + 1, 1, 1, account, -1, -1);
        }

        RequestEntry entry = new RequestEntry();
        table.copyInto(table.find("same"), entry);

        assertThat(entry.events()).extracting(e -> e.offset).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(entry.events()).extracting(e -> e.applied).containsExactly(true, false, false, false, false);
        RequestEntry other = new RequestEntry();
        table.copyInto(table.find("other-4"), other);
        assertThat(other.events()).extracting(e -> e.offset).containsExactly(104L);
    }

    @Test
    void shouldIndexRequestIdsByTheirUtf8BytesWhateverTheirCharacters() {
        StringPool names = new StringPool();
        RequestTable table = new RequestTable(names, 4, 4);
        // including one far longer than any valid ID (a forged event's): indexed like the others, never refused
        String[] ids = {"réq-1", "req-1", "req-€", "req-\uD83D\uDE00", "", "r".repeat(128), "x".repeat(3_000_000)};
        for (int i = 0; i < ids.length; i++) {
            add(table, ids[i], EventKind.CREDITED, true, 0, i, 1, 1, 1, names.id("a"), -1, -1);
        }

        assertThat(table.size()).isEqualTo(ids.length);
        for (int i = 0; i < ids.length; i++) {
            int request = table.find(ids[i]);
            assertThat(table.key(request)).isEqualTo(ids[i]);
            assertThat(table.keyHash(request)).isEqualTo(hashOf(ids[i]));
        }
        assertThat(table.find("req-2")).isEqualTo(-1);
    }

    @Test
    void shouldSpreadRequestIdsEvenlyOverTheRequestShards() {
        for (int shards : new int[] {2, 3, 4, 7}) {
            int[] counts = new int[shards];
            for (int i = 0; i < 70_000; i++) {
                counts[
                        LedgerAudit.requestShard(
                                hashOf(java.util
                                        .UUID
                                        .nameUUIDFromBytes(new byte[] {(byte) i, (byte) (i >> 8), (byte) (i >> 16)})
                                        .toString()),
                                shards)]++;
            }
            for (int count : counts) {
                assertThat(count)
                        .as("shards=" + shards)
                        .isBetween(70_000 / shards * 95 / 100, 70_000 / shards * 105 / 100);
            }
        }
    }

    private static int hashOf(String requestId) {
        byte[] id = RequestTable.bytesOf(requestId);
        return RequestTable.hash(id, 0, id.length);
    }

    private static void add(
            RequestTable table,
            String requestId,
            EventKind kind,
            boolean applied,
            int partition,
            long offset,
            long version,
            long amount,
            long timestampMs,
            int account,
            int counterparty,
            int currency) {
        byte[] id = RequestTable.bytesOf(requestId);
        table.addEvent(
                id,
                RequestTable.hash(id, 0, id.length),
                kind,
                applied,
                partition,
                offset,
                version,
                amount,
                timestampMs,
                account,
                counterparty,
                currency);
    }
}

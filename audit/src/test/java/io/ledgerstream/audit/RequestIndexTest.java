package io.ledgerstream.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestIndexTest {

    @Test
    void shouldKeepEveryRequestAndItsEventsWhenALogGrowsFarBeyondItsInitialSize() {
        // given
        StringPool names = new StringPool();
        RequestLog log = new RequestLog(names, 16);

        // when: 50,000 requests, every tenth with a second event and an outcome
        for (int i = 0; i < 50_000; i++) {
            add(log, "req-" + i, EventKind.CREDITED, true, i % 4, i, 2, 100 + i, 1_000 + i, names.id("a-" + (i % 7)));
            if (i % 10 == 0) {
                add(log, "req-" + i, EventKind.DEBITED, false, i % 4, i + 1, 3, 5, 2_000, names.id("a-" + (i % 7)));
                addOutcome(log, new OutcomeView("req-" + i, "a-" + (i % 7), "Deposit", true, null, false, 9), 1, i);
            }
        }
        RequestIndex index = new RequestIndex(log);

        // then
        assertThat(index.size()).isEqualTo(50_000);
        int request = index.find("req-12340");
        assertThat(index.key(request)).isEqualTo("req-12340");
        RequestEntry entry = entry(index, "req-12340");
        assertThat(entry.events())
                .extracting(e -> e.kind, e -> e.amount, e -> e.applied, e -> e.accountId)
                .containsExactly(
                        tuple(EventKind.CREDITED, 12_440L, true, "a-6"), tuple(EventKind.DEBITED, 5L, false, "a-6"));
        assertThat(entry.outcome.commandType()).isEqualTo("Deposit");
        assertThat(entry.outcome.requestId()).isEqualTo("req-12340");
        assertThat(entry.outcomeCount).isEqualTo(1);
        assertThat(entry.outcomeOffset).isEqualTo(12_340L);
        assertThat(entry(index, "req-12341").outcome).isNull();
        assertThat(index.find("req-50000")).isEqualTo(-1);
    }

    @Test
    void shouldGiveBackEveryFieldOfAnEventAtTheExtremesOfItsRange() {
        // given: fields packed two to a long, at the edges of their ranges, the two legs apart in the log
        StringPool names = new StringPool();
        RequestLog log = new RequestLog(names, 2);
        int account = names.id("account-a");
        int counterparty = names.id("account-b");
        int currency = names.id("EUR");
        log.addEvent(
                bytes("t-1"),
                0,
                3,
                hashOf("t-1"),
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
        add(log, "other", EventKind.HOLD_EXPIRED, false, 0, 0, 1, 0, 0, counterparty);
        for (int i = 0; i < 40; i++) { // grows the log between the two legs
            add(log, "filler-" + i, EventKind.CREDITED, true, 1, i, 1, 1, 1, account);
        }
        log.addEvent(
                bytes("t-1"),
                0,
                3,
                hashOf("t-1"),
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
        RequestIndex index = new RequestIndex(log);
        RequestEntry entry = entry(index, "t-1");
        RequestEntry other = entry(index, "other");

        // then
        assertThat(entry.events())
                .extracting(e -> e.kind, e -> e.applied, e -> e.partition, e -> e.offset, e -> e.version)
                .containsExactly(
                        tuple(EventKind.TRANSFER_DEBITED, true, Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE),
                        tuple(EventKind.TRANSFER_CREDITED, false, 0, -1L, Long.MIN_VALUE));
        assertThat(entry.events())
                .extracting(e -> e.amount, e -> e.timestampMs, e -> e.accountId, e -> e.counterparty, e -> e.currency)
                .containsExactly(
                        tuple(Long.MIN_VALUE, Long.MIN_VALUE, "account-a", "account-b", "EUR"),
                        tuple(Long.MAX_VALUE, -1L, "account-b", "account-a", "EUR"));
        assertThat(other.events())
                .extracting(e -> e.kind, e -> e.accountId, e -> e.counterparty, e -> e.currency)
                .containsExactly(tuple(EventKind.HOLD_EXPIRED, "account-b", null, null));
    }

    @Test
    void shouldKeepARequestsEventsInArrivalOrderWhateverComesBetweenThem() {
        StringPool names = new StringPool();
        RequestLog log = new RequestLog(names, 2);
        int account = names.id("a");
        for (int i = 0; i < 5; i++) { // five events of one request, each after an event of another request
            add(log, "other-" + i, EventKind.CREDITED, true, 0, 100 + i, 1, 1, 1, account);
            add(log, "same", EventKind.CREDITED, i == 0, 1, i, i + 1, 1, 1, account);
        }

        RequestIndex index = new RequestIndex(log);
        RequestEntry entry = entry(index, "same");

        assertThat(entry.events()).extracting(e -> e.offset).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(entry.events()).extracting(e -> e.applied).containsExactly(true, false, false, false, false);
        assertThat(entry(index, "other-4").events()).extracting(e -> e.offset).containsExactly(104L);
    }

    @Test
    void shouldGatherARequestsEventsAndOutcomesFromEveryShardsLogInShardOrder() {
        // given: three shards' logs of one bucket; each shard numbers names in its own pool
        StringPool[] pools = {new StringPool(), new StringPool(), new StringPool()};
        RequestLog[] logs = new RequestLog[3];
        for (int w = 0; w < 3; w++) {
            pools[w].id("padding-" + w); // the same account gets a different number in each pool
            logs[w] = new RequestLog(pools[w], 4);
        }
        add(logs[2], "t", EventKind.TRANSFER_CREDITED, true, 2, 20, 7, 50, 1, pools[2].id("dst"));
        add(logs[0], "t", EventKind.TRANSFER_DEBITED, true, 0, 10, 3, 50, 1, pools[0].id("src"));
        add(logs[1], "only-1", EventKind.CREDITED, true, 1, 5, 2, 9, 1, pools[1].id("x"));
        addOutcome(logs[1], new OutcomeView("t", "src", "Transfer", true, null, false, 1), 4, 40);
        addOutcome(logs[2], new OutcomeView("t", "src", "Transfer", true, null, false, 2), 4, 41);
        addOutcome(logs[0], new OutcomeView("no-events", "z", "Future", false, "NEW_REASON", false, 3), 5, 50);

        // when
        RequestIndex index = new RequestIndex(logs);

        // then: one request per ID, whichever logs hold it
        assertThat(index.size()).isEqualTo(3);
        RequestEntry transfer = entry(index, "t");
        assertThat(transfer.events())
                .extracting(e -> e.kind, e -> e.accountId, e -> e.offset)
                .containsExactly(
                        tuple(EventKind.TRANSFER_DEBITED, "src", 10L), tuple(EventKind.TRANSFER_CREDITED, "dst", 20L));
        assertThat(transfer.outcomeCount).isEqualTo(2);
        assertThat(transfer.outcomeOffset).isEqualTo(40L); // the first shard's, in shard order
        assertThat(transfer.outcome.processedAtMs()).isEqualTo(1L);
        RequestEntry unknown = entry(index, "no-events");
        assertThat(unknown.events()).isEmpty();
        assertThat(unknown.outcome)
                .isEqualTo(new OutcomeView("no-events", "z", "Future", false, "NEW_REASON", false, 3));
        assertThat(entry(index, "only-1").events()).extracting(e -> e.accountId).containsExactly("x");
    }

    @Test
    void shouldPairARepeatWithTheEarliestEarlierEventOfItsRequestAccountAndVersionInItsOwnLog() {
        // given
        StringPool names0 = new StringPool();
        StringPool names1 = new StringPool();
        RequestLog log0 = new RequestLog(names0, 4);
        RequestLog log1 = new RequestLog(names1, 4);
        int a = names0.id("a");
        add(log1, "r", EventKind.CREDITED, true, 1, 1, 5, 10, 1, names1.id("a")); // another shard: not a match
        add(log0, "r", EventKind.CREDITED, true, 0, 100, 4, 10, 1, a); // another version
        add(log0, "r", EventKind.DEBITED, true, 0, 101, 5, 10, 1, a); // the match
        add(log0, "r", EventKind.CREDITED, false, 0, 102, 5, 10, 1, names0.id("b")); // another account
        int repeat = add(log0, "r", EventKind.CREDITED, false, 0, 103, 5, 10, 1, a);
        log0.markRepeat(repeat, 6);
        int later = add(log0, "r", EventKind.CREDITED, false, 0, 104, 5, 10, 1, a);
        int lone = add(log0, "lone", EventKind.CREDITED, false, 0, 105, 2, 10, 1, a);
        log0.markRepeat(lone, 3);

        // when
        List<String> seen = new ArrayList<>();
        new RequestIndex(log0, log1)
                .forEachRepeat((event, same, requestId, accountVersion) ->
                        seen.add(requestId + " " + event.offset + " " + event.kind + " v" + event.version + " at "
                                + accountVersion + ": " + (same == null ? "none" : same.offset + " " + same.kind)));

        // then
        assertThat(later).isEqualTo(repeat + 1);
        assertThat(seen).containsExactly("r 103 CREDITED v5 at 6: 101 DEBITED", "lone 105 CREDITED v2 at 3: none");
    }

    @Test
    void shouldIndexRequestIdsByTheirUtf8BytesWhateverTheirCharacters() {
        StringPool names = new StringPool();
        RequestLog log = new RequestLog(names, 4);
        // including one far longer than any valid ID (a forged event's): indexed like the others, never refused
        String[] ids = {"réq-1", "req-1", "req-€", "req-\uD83D\uDE00", "", "r".repeat(128), "x".repeat(3_000_000)};
        for (int i = 0; i < ids.length; i++) {
            add(log, ids[i], EventKind.CREDITED, true, 0, i, 1, 1, 1, names.id("a"));
        }

        RequestIndex index = new RequestIndex(log);

        assertThat(index.size()).isEqualTo(ids.length);
        for (int i = 0; i < ids.length; i++) {
            int request = index.find(ids[i]);
            assertThat(index.key(request)).isEqualTo(ids[i]);
            assertThat(log.eventHash(i)).isEqualTo(hashOf(ids[i]));
        }
        assertThat(index.find("req-2")).isEqualTo(-1);
    }

    @Test
    void shouldIndexAnIdReadInPlaceLikeTheSameIdEncodedAgain() {
        StringPool names = new StringPool();
        RequestLog log = new RequestLog(names, 4);
        byte[] record = "xx-req-in-place-yy".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int hash = RequestLog.hash(record, 3, 12);
        log.addEvent(record, 3, 12, hash, EventKind.CREDITED, true, 0, 1, 2, 3, 4, names.id("a"), -1, -1);
        add(log, "req-in-place", EventKind.DEBITED, true, 0, 2, 3, 3, 4, names.id("a"));

        RequestIndex index = new RequestIndex(log);

        assertThat(hash).isEqualTo(hashOf("req-in-place"));
        assertThat(index.size()).isEqualTo(1);
        assertThat(entry(index, "req-in-place").events())
                .extracting(e -> e.offset)
                .containsExactly(1L, 2L);
    }

    @Test
    void shouldTellAsciiBytesFromAnyOtherWhereverTheyAre() {
        byte[] ascii = "0123456789abcdefghij-ABCDEFGHIJ~\u007f".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int start = 0; start < 12; start++) {
            for (int length = 0; start + length <= ascii.length; length++) {
                assertThat(RequestLog.isAscii(ascii, start, length)).isTrue();
                for (int at = start; at < start + length; at++) { // one byte with the high bit, anywhere
                    byte[] other = ascii.clone();
                    other[at] = (byte) (0x80 | other[at]);
                    assertThat(RequestLog.isAscii(other, start, length))
                            .as("%d %d %d", start, length, at)
                            .isFalse();
                }
            }
        }
        byte[] nonAscii = "réq".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(RequestLog.isAscii(nonAscii, 0, nonAscii.length)).isFalse();
        assertThat(RequestLog.isAscii(nonAscii, 0, 1)).isTrue();
    }

    @Test
    void shouldSpreadRequestIdsEvenlyOverTheRequestBuckets() {
        for (int buckets : new int[] {2, 3, 4, 7, 62}) {
            int[] counts = new int[buckets];
            int ids = 10_000 * buckets;
            for (int i = 0; i < ids; i++) {
                String id = java.util
                        .UUID
                        .nameUUIDFromBytes(new byte[] {(byte) i, (byte) (i >> 8), (byte) (i >> 16)})
                        .toString();
                counts[LedgerAudit.requestBucket(hashOf(id), buckets)]++;
            }
            for (int count : counts) {
                assertThat(count).as("buckets=" + buckets).isBetween(10_000 * 95 / 100, 10_000 * 105 / 100);
            }
        }
    }

    @Test
    void shouldUseAtLeastTwoBucketsPerShardAndBoundEachShardsLog() {
        assertThat(LedgerAudit.requestBuckets(1, 0)).isEqualTo(2);
        assertThat(LedgerAudit.requestBuckets(3, 100)).isEqualTo(6);
        // 4,096 events per shard's log: 4 M events over two shards need ceil(4,000,000 / 8,192) buckets
        assertThat(LedgerAudit.requestBuckets(2, 4_000_000)).isEqualTo(489);
        assertThat(LedgerAudit.requestBuckets(1, 4_096 * 3)).isEqualTo(3);
        assertThat(LedgerAudit.requestBuckets(1, 4_096 * 3 + 1)).isEqualTo(4);
        assertThat(LedgerAudit.requestBuckets(2, Long.MAX_VALUE)).isEqualTo(LedgerAudit.REQUEST_BUCKETS_MAX);
    }

    private static RequestEntry entry(RequestIndex index, String requestId) {
        int request = index.find(requestId);
        assertThat(request).as(requestId).isNotNegative();
        RequestEntry entry = new RequestEntry();
        entry.key(index, request);
        index.copyInto(request, entry);
        return entry;
    }

    private static byte[] bytes(String requestId) {
        return RequestLog.bytesOf(requestId);
    }

    private static int hashOf(String requestId) {
        byte[] id = bytes(requestId);
        return RequestLog.hash(id, 0, id.length);
    }

    private static void addOutcome(RequestLog log, OutcomeView outcome, int partition, long offset) {
        log.addOutcome(outcome, bytes(outcome.requestId()), hashOf(outcome.requestId()), partition, offset);
    }

    private static int add(
            RequestLog log,
            String requestId,
            EventKind kind,
            boolean applied,
            int partition,
            long offset,
            long version,
            long amount,
            long timestampMs,
            int account) {
        byte[] id = bytes(requestId);
        return log.addEvent(
                id,
                0,
                id.length,
                hashOf(requestId),
                kind,
                applied,
                partition,
                offset,
                version,
                amount,
                timestampMs,
                account,
                -1,
                -1);
    }
}

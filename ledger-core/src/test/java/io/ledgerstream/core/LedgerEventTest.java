package io.ledgerstream.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class LedgerEventTest {
    private static final long T = 1_700_000_000_000L;

    private static LedgerEvent event(EventBody body, long version, byte[] prevHash) {
        byte[] hash = LedgerEvent.computeHash("acc-1", version, "req-1", T, "EUR", body, 10, 0, prevHash);
        return new LedgerEvent("acc-1", version, "req-1", T, "EUR", body, 10, 0, prevHash, hash);
    }

    @Test
    void shouldKeepTheCanonicalEncodingStable() {
        // Pinned: the canonical encoding is part of the on-disk contract. If this fails, existing hash chains break.
        LedgerEvent opened = event(new AccountOpened(10), 1, Hashes.genesis());

        assertThat(HexFormat.of().formatHex(opened.canonicalBytes()))
                .isEqualTo(
                        "01000000056163632d310000000000000001000000057265712d310000018bcfe5680000000003455552000000000000000a000000000000000001000000000000000a");
        assertThat(HexFormat.of().formatHex(opened.hash()))
                .isEqualTo("c820f0a13f5040e2f7222f184a30a4daef0a30b2e24c7b7b65b96fd45f5319b4");
    }

    @Test
    void shouldPinTheHashOfEveryBodyType() {
        List<EventBody> bodies = List.of(
                new AccountOpened(10),
                new Credited(10),
                new Debited(10),
                new TransferDebited("acc-2", 10),
                new TransferCredited("acc-2", 10),
                new TransferRefunded("acc-2", 10, Reason.UNKNOWN_ACCOUNT),
                new HoldPlaced("h-1", 10, T + 1),
                new HoldCaptured("h-1", 7, 3),
                new HoldReleased("h-1", 10),
                new HoldExpired("h-1", 10));

        StringBuilder hashes = new StringBuilder();
        for (EventBody body : bodies) {
            hashes.append(
                            HexFormat.of()
                                    .formatHex(event(body, 2, Hashes.genesis()).hash()),
                            0,
                            16)
                    .append(' ');
        }

        assertThat(hashes.toString().trim())
                .isEqualTo(
                        "880c3de407a47025 f95ec6e2042aa070 c57bff01496eb8f1 30f6ec8a35d0eabd fe5056003bb54d26 eb860523cd3c05bf fd09455d83fd4be0 d8384c483c990c97 4b72d89b90fd1700 f798cb09c85f1efd");
    }

    @Test
    void shouldGiveEveryBodyTypeADistinctHash() {
        LedgerEvent credited = event(new Credited(10), 2, Hashes.genesis());
        LedgerEvent debited = event(new Debited(10), 2, Hashes.genesis());

        assertThat(credited.hash()).isNotEqualTo(debited.hash());
    }

    @Test
    void shouldChainTheHashOnThePreviousHash() {
        byte[] other = Hashes.genesis();
        other[0] = 1;

        assertThat(event(new Credited(10), 2, Hashes.genesis()).hash())
                .isNotEqualTo(event(new Credited(10), 2, other).hash());
    }

    @Test
    void shouldCompareHashesByContent() {
        LedgerEvent a = event(new Credited(10), 2, Hashes.genesis());
        LedgerEvent b = event(new Credited(10), 2, Hashes.genesis());

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.toString()).contains(Hashes.toHex(a.hash()));
    }

    @Test
    void shouldCopyHashesInAndOut() {
        byte[] prevHash = Hashes.genesis();
        LedgerEvent event = event(new Credited(10), 2, prevHash);
        byte[] hash = event.hash();

        prevHash[0] = 9;
        event.hash()[0] ^= 1;
        event.prevHash()[0] = 9;

        assertThat(event.prevHash()).isEqualTo(Hashes.genesis());
        assertThat(event.hash()).isEqualTo(hash);
        assertThat(event.hasValidHash()).isTrue();
    }

    @Test
    void shouldExposeTheGenesisHashAsThirtyTwoZeroBytes() {
        assertThat(LedgerEvent.GENESIS_HASH).isSameAs(Hashes.GENESIS_HASH).isEqualTo(new byte[32]);
        assertThat(Hashes.isGenesis(Hashes.genesis())).isTrue();
    }
}

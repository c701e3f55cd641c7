package io.ledgerstream.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FingerprintTest {

    private static String hex(Request request) {
        return HexFormat.of().formatHex(Fingerprint.of(request));
    }

    private static Request request(Command command) {
        return Request.of("req-1", command);
    }

    @Test
    void shouldGiveTheSameFingerprintToTheSamePayload() {
        Request a = request(new Transfer("a", "b", 10, "EUR"));
        Request b = request(new Transfer("a", "b", 10, "EUR"));

        assertThat(Fingerprint.of(a)).hasSize(32).isEqualTo(Fingerprint.of(b));
        assertThat(Fingerprint.matches(b, Fingerprint.of(a))).isTrue();
    }

    @Test
    void shouldIgnoreTheRequestId() {
        Command command = new Deposit("a", 10, "EUR");

        assertThat(Fingerprint.of(Request.of("req-1", command)))
                .isEqualTo(Fingerprint.of(Request.of("req-2", command)));
        assertThat(Fingerprint.of(Request.of(null, command))).isEqualTo(Fingerprint.of(Request.of("req-2", command)));
    }

    @Test
    void shouldChangeWhenAnyFieldChanges() {
        List<Request> variants = List.of(
                request(new OpenAccount("a", "EUR", 0)),
                request(new OpenAccount("b", "EUR", 0)),
                request(new OpenAccount("a", "USD", 0)),
                request(new OpenAccount("a", "EUR", 1)),
                request(new OpenAccount(null, "EUR", 0)),
                request(new Deposit("a", 10, "EUR")),
                request(new Deposit("a", 11, "EUR")),
                request(new Deposit("a", 10, "USD")),
                request(new Deposit("b", 10, "EUR")),
                request(new Withdraw("a", 10, "EUR")),
                request(new Transfer("a", "b", 10, "EUR")),
                request(new Transfer("a", "c", 10, "EUR")),
                request(new Transfer("c", "b", 10, "EUR")),
                request(new Transfer("a", "b", 12, "EUR")),
                request(new Transfer("a", "b", 10, "USD")),
                request(new PlaceHold("a", "h", 10, "EUR", 5)),
                request(new PlaceHold("a", "h", 10, "EUR", 6)),
                request(new PlaceHold("a", "i", 10, "EUR", 5)),
                request(new PlaceHold("a", "h", 11, "EUR", 5)),
                request(new PlaceHold("a", "h", 10, "USD", 5)),
                request(new CaptureHold("a", "h", OptionalLong.empty())),
                request(new CaptureHold("a", "h", OptionalLong.of(10))),
                request(new CaptureHold("a", "h", OptionalLong.of(11))),
                request(new CaptureHold("a", "i", OptionalLong.empty())),
                request(new ReleaseHold("a", "h")),
                request(new ReleaseHold("a", "i")),
                request(new ReleaseHold("b", "h")),
                new Request("req-1", OptionalLong.of(0), new Deposit("a", 10, "EUR")),
                new Request("req-1", OptionalLong.of(1), new Deposit("a", 10, "EUR")),
                // string boundaries are length-prefixed: moving a character between fields changes the fingerprint
                request(new Transfer("ab", "c", 10, "EUR")),
                request(new Transfer("a", "bc", 10, "EUR")));

        Set<String> fingerprints = new HashSet<>();
        for (Request variant : variants) {
            fingerprints.add(hex(variant));
        }

        assertThat(fingerprints).hasSize(variants.size());
    }

    @Test
    void shouldKeepTheEncodingStable() {
        // Pinned: stored fingerprints must keep matching retries after an upgrade.
        assertThat(hex(request(new Transfer("a", "b", 10, "EUR"))))
                .isEqualTo("4c41706aacf5985bc29ea23720c9275a19aac4f3017958e10029c8cb0371a600");
    }
}

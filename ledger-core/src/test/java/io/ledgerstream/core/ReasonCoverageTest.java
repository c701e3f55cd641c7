package io.ledgerstream.core;

import static io.ledgerstream.core.LedgerFixture.T0;
import static io.ledgerstream.core.LedgerFixture.capture;
import static io.ledgerstream.core.LedgerFixture.deposit;
import static io.ledgerstream.core.LedgerFixture.given;
import static io.ledgerstream.core.LedgerFixture.open;
import static io.ledgerstream.core.LedgerFixture.placeHold;
import static io.ledgerstream.core.LedgerFixture.release;
import static io.ledgerstream.core.LedgerFixture.transfer;
import static io.ledgerstream.core.LedgerFixture.withdraw;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One minimal scenario per reason code, and a check that the table covers every code the core can produce. */
class ReasonCoverageTest {
    private static final long LATER = T0 + 1_000;

    /** REQUEST_ID_REUSED is decided by the deduplication layer (see {@link Fingerprint}), not by the core. */
    private static final Set<Reason> NOT_PRODUCED_BY_THE_CORE = EnumSet.of(Reason.REQUEST_ID_REUSED);

    private static final Map<Reason, Supplier<Decision>> SCENARIOS = Map.ofEntries(
            Map.entry(Reason.UNKNOWN_ACCOUNT, () -> given().when(deposit("ghost", 1))
                    .decision()),
            Map.entry(
                    Reason.ACCOUNT_EXISTS,
                    () -> given(open("a")).when(open("a")).decision()),
            Map.entry(
                    Reason.INSUFFICIENT_FUNDS,
                    () -> given(open("a")).when(withdraw("a", 1)).decision()),
            Map.entry(
                    Reason.VERSION_CONFLICT,
                    () -> given(open("a")).whenExpecting(7, deposit("a", 1)).decision()),
            Map.entry(
                    Reason.CURRENCY_MISMATCH,
                    () -> given(open("a")).when(new Deposit("a", 1, "USD")).decision()),
            Map.entry(Reason.AMOUNT_OVERFLOW, () -> given(open("a"), deposit("a", Long.MAX_VALUE))
                    .when(deposit("a", 1))
                    .decision()),
            Map.entry(
                    Reason.INVALID_AMOUNT,
                    () -> given(open("a")).when(deposit("a", 0)).decision()),
            Map.entry(Reason.INVALID_COMMAND, () -> given().when(new Request(" ", OptionalLong.empty(), open("a")))
                    .decision()),
            Map.entry(Reason.SAME_ACCOUNT, () -> given(open("a"), deposit("a", 5))
                    .whenSourceStep(transfer("a", "a", 1))
                    .decision()),
            Map.entry(
                    Reason.HOLD_NOT_FOUND,
                    () -> given(open("a")).when(release("a", "h")).decision()),
            Map.entry(Reason.HOLD_EXISTS, () -> given(open("a"), deposit("a", 5), placeHold("a", "h", 1, LATER))
                    .when(placeHold("a", "h", 1, LATER))
                    .decision()),
            Map.entry(Reason.HOLD_EXPIRED, () -> given(open("a"), deposit("a", 5), placeHold("a", "h", 1, LATER))
                    .at(LATER)
                    .when(capture("a", "h"))
                    .decision()),
            Map.entry(
                    Reason.HOLD_AMOUNT_EXCEEDED, () -> given(open("a"), deposit("a", 5), placeHold("a", "h", 1, LATER))
                            .when(capture("a", "h", 2))
                            .decision()),
            Map.entry(Reason.HOLD_LIMIT_REACHED, ReasonCoverageTest::holdLimitReached),
            Map.entry(Reason.DESTINATION_REJECTED, () -> given(open("a"), deposit("a", 5))
                    .whenLocalTransfer(transfer("a", "ghost", 1))
                    .decision()));

    private static Decision holdLimitReached() {
        LedgerFixture ledger = given(open("a"), deposit("a", Ledger.MAX_HOLDS_PER_ACCOUNT));
        for (int i = 0; i < Ledger.MAX_HOLDS_PER_ACCOUNT; i++) {
            ledger.when(placeHold("a", "h" + i, 1, LATER)).thenAccepted();
        }
        return ledger.when(placeHold("a", "last", 1, LATER)).decision();
    }

    static Stream<Arguments> scenarios() {
        return SCENARIOS.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(entry -> Arguments.of(entry.getKey(), entry.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void shouldProduceTheReasonInItsScenario(Reason reason, Supplier<Decision> scenario) {
        Decision decision = scenario.get();

        assertThat(decision).isInstanceOf(Decision.Rejected.class);
        assertThat(((Decision.Rejected) decision).reason()).isEqualTo(reason);
    }

    @Test
    void shouldHaveAScenarioForEveryReasonTheCoreCanProduce() {
        Set<Reason> producible = EnumSet.complementOf(EnumSet.copyOf(NOT_PRODUCED_BY_THE_CORE));

        assertThat(SCENARIOS.keySet()).containsExactlyInAnyOrderElementsOf(producible);
        assertThat(Stream.of(Reason.values()).map(Reason::name).collect(Collectors.toList()))
                .as("reason names are part of the on-disk contract")
                .containsExactly(
                        "UNKNOWN_ACCOUNT",
                        "ACCOUNT_EXISTS",
                        "INSUFFICIENT_FUNDS",
                        "VERSION_CONFLICT",
                        "REQUEST_ID_REUSED",
                        "CURRENCY_MISMATCH",
                        "AMOUNT_OVERFLOW",
                        "INVALID_AMOUNT",
                        "INVALID_COMMAND",
                        "SAME_ACCOUNT",
                        "HOLD_NOT_FOUND",
                        "HOLD_EXISTS",
                        "HOLD_EXPIRED",
                        "HOLD_AMOUNT_EXCEEDED",
                        "HOLD_LIMIT_REACHED",
                        "DESTINATION_REJECTED");
    }
}

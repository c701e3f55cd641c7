package io.ledgerstream.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.ledgerstream.schemas.LedgerEvent;
import io.ledgerstream.sdk.Command;
import io.ledgerstream.sdk.LedgerClient;
import io.ledgerstream.sdk.LedgerTimeoutException;
import io.ledgerstream.sdk.Outcome;
import io.ledgerstream.testkit.EmbeddedKafka;
import io.ledgerstream.testkit.EmbeddedRegistry;
import io.ledgerstream.testkit.LedgerstreamTestEnvironment;
import io.ledgerstream.testkit.TopicNames;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A submit that timed out (the engine was down) and is then resubmitted with the same {@link Command} object, once
 * the engine runs, has exactly one effect: the engine applies the first copy and answers the retry with a replay.
 */
@ExtendWith(LedgerstreamTestEnvironment.class)
class RetryAfterTimeoutIT {

    private static final Logger LOG = LoggerFactory.getLogger(RetryAfterTimeoutIT.class);

    @Test
    void shouldApplyARetriedSubmitExactlyOnceAfterATimeout(
            EmbeddedKafka kafka, EmbeddedRegistry registry, TopicNames names) throws Exception {
        try (SdkEnvironment env = new SdkEnvironment(kafka, registry, names.unique("retry"))) {
            env.createTopics(); // deployed, but the engine is not running yet
            LedgerClient client = env.track(new LedgerClient(env.clientConfig("retry-client")
                    .requestTimeout(Duration.ofMillis(1_500))
                    .build()));
            Command open = Command.openAccount("retry-acct", "EUR");
            Command deposit = Command.deposit("retry-acct", 4_200, "EUR");

            Throwable openTimeout = catchThrowable(() -> client.submit(open).get(30, TimeUnit.SECONDS));
            Throwable depositTimeout =
                    catchThrowable(() -> client.submit(deposit).get(30, TimeUnit.SECONDS));
            assertThat(openTimeout)
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(LedgerTimeoutException.class)
                    .hasMessageContaining(open.requestId())
                    .hasMessageContaining("Resubmit the same Command");
            assertThat(depositTimeout).cause().isInstanceOf(LedgerTimeoutException.class);
            assertThat(client.inFlightRequests()).isZero();

            env.startEngine();
            int[] attempts = {1, 1}; // the timed-out submissions above
            Outcome opened = retryUntilAnswered(client, open, attempts, 0);
            Outcome deposited = retryUntilAnswered(client, deposit, attempts, 1);

            assertThat(opened.isAccepted()).isTrue();
            assertThat(deposited.isAccepted()).isTrue();
            assertThat(deposited.account("retry-acct").orElseThrow().balance()).isEqualTo(4_200);

            Set<String> ids = Set.of(open.requestId(), deposit.requestId());
            List<ConsumerRecord<byte[], LedgerEvent>> events = env.events().stream()
                    .filter(r -> ids.contains(r.value().getRequestId()))
                    .toList();
            List<io.ledgerstream.schemas.Outcome> depositOutcomes = env.outcomes().stream()
                    .map(ConsumerRecord::value)
                    .filter(o -> o.getRequestId().equals(deposit.requestId()))
                    .toList();
            long originals =
                    depositOutcomes.stream().filter(o -> !o.getReplay()).count();
            LOG.info(
                    "retry after timeout: deposit submitted {} times (open {} times), {} events for both, {} deposit"
                            + " outcomes of which {} original and {} replays, final balance {}",
                    attempts[1],
                    attempts[0],
                    events.size(),
                    depositOutcomes.size(),
                    originals,
                    depositOutcomes.size() - originals,
                    events.get(events.size() - 1).value().getBalanceAfter());
            assertThat(events).hasSize(2); // AccountOpened and Credited, once each
            assertThat(events.get(events.size() - 1).value().getBalanceAfter()).isEqualTo(4_200);
            assertThat(originals).isEqualTo(1);
            assertThat(depositOutcomes).hasSize(attempts[1]); // one answer per publication, all but one replays
        }
    }

    /** What a caller does on a timeout: submit the same object again, a bounded number of times. */
    private static Outcome retryUntilAnswered(LedgerClient client, Command command, int[] attempts, int slot)
            throws Exception {
        for (int attempt = 0; attempt < 40; attempt++) {
            attempts[slot]++;
            try {
                return client.submit(command).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof LedgerTimeoutException)) {
                    throw e;
                }
            }
        }
        throw new AssertionError("no outcome for " + command + " after 40 submissions");
    }
}

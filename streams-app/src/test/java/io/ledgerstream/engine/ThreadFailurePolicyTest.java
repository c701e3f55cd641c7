package io.ledgerstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.core.InvariantViolation;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class ThreadFailurePolicyTest {

    private final AtomicLong now = new AtomicLong(1_000_000L);
    private final ThreadFailurePolicy policy = new ThreadFailurePolicy(now::get);

    @Test
    void shouldStopTheEngineOnAnInvariantViolationAnywhereInTheCauseChain() {
        assertThat(policy.onFailure(new StreamsException(new InvariantViolation("version gap"))))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void shouldReplaceTheThreadAfterAnAbortedTransaction() {
        assertThat(policy.onFailure(new StreamsException(new InvalidTxnStateException("aborted by coordinator"))))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    @Test
    void shouldStopInsteadOfSpinningWhenThreadsKeepFailing() {
        for (int i = 0; i < ThreadFailurePolicy.REPLACEMENTS_MAX; i++) {
            assertThat(policy.onFailure(new RuntimeException("registry down")))
                    .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        }
        assertThat(policy.onFailure(new RuntimeException("registry down")))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        now.addAndGet(ThreadFailurePolicy.WINDOW_MS);
        assertThat(policy.onFailure(new RuntimeException("registry back, one more blip")))
                .as("old failures leave the window")
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }
}

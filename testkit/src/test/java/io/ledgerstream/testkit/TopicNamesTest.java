package io.ledgerstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopicNamesTest {

    @Test
    void shouldStartWithBaseAndContainSanitizedScope() {
        String name = TopicNames.forScope("TransferIT shouldCommit(int)").unique("transfers");

        assertThat(name).startsWith("transfers-TransferIT-shouldCommit-int-1x").matches("[a-zA-Z0-9._-]+");
    }

    @Test
    void shouldNeverRepeatNames() {
        TopicNames first = TopicNames.forScope("scope");
        TopicNames second = TopicNames.forScope("scope");
        Set<String> names = new HashSet<>();

        for (int i = 0; i < 100; i++) {
            names.add(first.unique("t"));
            names.add(second.unique("t"));
        }

        assertThat(names).hasSize(200);
    }

    @Test
    void shouldStayWithinKafkaLengthLimit() {
        String name = TopicNames.forScope("s".repeat(500)).unique("b".repeat(300));

        assertThat(name).hasSizeLessThanOrEqualTo(TopicNames.MAX_LENGTH);
    }

    @Test
    void shouldRejectIllegalBase() {
        assertThatThrownBy(() -> TopicNames.forScope("s").unique("no spaces"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no spaces");
    }
}

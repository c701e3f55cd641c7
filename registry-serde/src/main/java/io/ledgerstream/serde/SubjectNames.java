package io.ledgerstream.serde;

import java.util.Objects;

/**
 * The subject naming rule of this module: Confluent's {@code TopicNameStrategy}, {@code <topic>-key} for keys and
 * {@code <topic>-value} for values. Deployment tooling that registers schemas ahead of time must use the same rule.
 *
 * <p>Stateless and thread-safe.
 */
public final class SubjectNames {

    private SubjectNames() {}

    /**
     * Returns the subject for a topic's keys or values.
     *
     * @param topic the topic name, not null
     * @param isKey true for the key subject, false for the value subject
     * @return {@code <topic>-key} or {@code <topic>-value}, never null
     */
    public static String forTopic(String topic, boolean isKey) {
        Objects.requireNonNull(topic, "topic");
        return topic + (isKey ? "-key" : "-value");
    }
}

package io.ledgerstream.testkit;

import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Generates topic names that are unique per test, so tests sharing one broker never see each other's records.
 *
 * <p>A name is {@code <base>-<scope>-<n><suffix>}: the caller's base name, the test's class and method (sanitized to
 * letters, digits and dashes), a counter and a random suffix fixed per instance, e.g. {@code
 * transfers-TransferIT-shouldCommit-1x7f3a}. The random suffix keeps names unique across repeated or parameterized
 * invocations of the same test. Names are cut to {@value #MAX_LENGTH} characters, Kafka's limit.
 *
 * <p>Thread-safe.
 */
public final class TopicNames {

    /** Kafka's maximum topic name length. */
    public static final int MAX_LENGTH = 249;

    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");
    private static final Pattern NOT_ALNUM = Pattern.compile("[^a-zA-Z0-9]+");

    /** The longest scope kept, so that the base, counter and suffix always fit. */
    private static final int SCOPE_MAX_LENGTH = 120;

    private final String scope;
    private final String suffix;
    private final AtomicInteger counter = new AtomicInteger();

    private TopicNames(String scope) {
        this.scope = scope;
        this.suffix = "x" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0x1000000));
    }

    /**
     * Creates a generator for one test or program run.
     *
     * @param scope what the names belong to, e.g. {@code "TransferIT-shouldCommit"}; any characters, not null
     * @return a new generator, never null
     */
    public static TopicNames forScope(String scope) {
        Objects.requireNonNull(scope, "scope");
        String sanitized = NOT_ALNUM.matcher(scope).replaceAll("-").replaceAll("^-+|-+$", "");
        if (sanitized.length() > SCOPE_MAX_LENGTH) {
            sanitized = sanitized.substring(0, SCOPE_MAX_LENGTH);
        }
        return new TopicNames(sanitized.isEmpty() ? "test" : sanitized);
    }

    /**
     * Returns a new unique topic name starting with {@code base}.
     *
     * @param base a legal topic name fragment (letters, digits, {@code . _ -}), not null, not empty
     * @return a name never returned before by this instance, at most {@value #MAX_LENGTH} characters
     */
    public String unique(String base) {
        Objects.requireNonNull(base, "base");
        if (!LEGAL.matcher(base).matches()) {
            throw new IllegalArgumentException("base must be letters, digits, '.', '_' or '-', was '" + base + "'");
        }
        String tail = "-" + scope + "-" + counter.incrementAndGet() + suffix;
        String name = base + tail;
        if (name.length() > MAX_LENGTH) {
            name = base.substring(0, Math.max(1, MAX_LENGTH - tail.length())) + tail;
        }
        return name;
    }

    @Override
    public String toString() {
        return "TopicNames[scope=" + scope + "]";
    }
}

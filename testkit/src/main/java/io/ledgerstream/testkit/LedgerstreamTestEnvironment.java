package io.ledgerstream.testkit;

import java.lang.reflect.Method;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving integration tests one shared {@link EmbeddedKafka} and one shared {@link EmbeddedRegistry}
 * per test JVM.
 *
 * <p>Use it with {@code @ExtendWith(LedgerstreamTestEnvironment.class)} and declare constructor, test method or
 * lifecycle method parameters of type {@link EmbeddedKafka}, {@link EmbeddedRegistry} or {@link TopicNames}:
 *
 * <pre>{@code
 * @ExtendWith(LedgerstreamTestEnvironment.class)
 * class TransferIT {
 *     @Test
 *     void shouldCommit(EmbeddedKafka kafka, EmbeddedRegistry registry, TopicNames topics) {
 *         String topic = topics.unique("transfers");
 *         kafka.createTopic(topic, 3, Map.of());
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>Each service starts lazily, the first time a test asks for it, so a JVM that runs only Kafka tests never starts a
 * registry. Both live in the root {@link ExtensionContext.Store} and are closed when the whole test run ends (JUnit
 * closes {@link AutoCloseable} store values; the older {@code CloseableResource} is deprecated since JUnit 5.13).
 * Because they are shared, tests must not depend on a fresh broker or an empty registry: create topics and subjects
 * with {@link TopicNames} and never delete what other tests may use. A {@link TopicNames} parameter is new for every
 * resolution and scoped to the test class and, for method parameters, the test method (a constructor parameter only
 * knows the class; names stay unique either way).
 *
 * <p>Stateless and thread-safe: all state lives in the JUnit store, whose {@code getOrComputeIfAbsent} starts each
 * service at most once even when tests run in parallel.
 */
public final class LedgerstreamTestEnvironment implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(LedgerstreamTestEnvironment.class);

    private static final Set<Class<?>> SUPPORTED =
            Set.of(EmbeddedKafka.class, EmbeddedRegistry.class, TopicNames.class);

    /** Creates the extension; JUnit calls this. */
    public LedgerstreamTestEnvironment() {}

    /**
     * Returns the shared Kafka cluster of this test run, starting it on first use.
     *
     * @param context any extension context of the run, not null
     * @return the running cluster, never null; do not close it
     */
    public static EmbeddedKafka kafka(ExtensionContext context) {
        Objects.requireNonNull(context, "context");
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(EmbeddedKafka.class, type -> EmbeddedKafka.start(), EmbeddedKafka.class);
    }

    /**
     * Returns the shared schema registry of this test run, starting it on first use.
     *
     * @param context any extension context of the run, not null
     * @return the running registry, never null; do not close it
     */
    public static EmbeddedRegistry registry(ExtensionContext context) {
        Objects.requireNonNull(context, "context");
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(EmbeddedRegistry.class, type -> EmbeddedRegistry.start(), EmbeddedRegistry.class);
    }

    /**
     * Returns a new topic name generator scoped to the current test class and method.
     *
     * @param context the current extension context, not null
     * @return a new generator, never null
     */
    public static TopicNames topicNames(ExtensionContext context) {
        Objects.requireNonNull(context, "context");
        String className = context.getTestClass().map(Class::getSimpleName).orElse("test");
        String method = context.getTestMethod().map(Method::getName).orElse("");
        return TopicNames.forScope(method.isEmpty() ? className : className + "-" + method);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return SUPPORTED.contains(parameterContext.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        if (type == EmbeddedKafka.class) {
            return kafka(extensionContext);
        }
        if (type == EmbeddedRegistry.class) {
            return registry(extensionContext);
        }
        if (type == TopicNames.class) {
            return topicNames(extensionContext);
        }
        throw new ParameterResolutionException("Unsupported parameter type " + type.getName());
    }
}

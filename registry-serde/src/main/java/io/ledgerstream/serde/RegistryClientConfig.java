package io.ledgerstream.serde;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Typed, validated configuration of a {@link RegistryClient}, defined with Kafka's {@link ConfigDef} so the keys can
 * sit in a producer, consumer or Streams config next to Kafka's own.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>Key</th><th>Type</th><th>Default</th><th>Valid values</th></tr>
 *   <tr><td>{@value #URL}</td><td>string</td><td>(required)</td><td>absolute http(s) URL of the
 *       Confluent-compatible API</td></tr>
 *   <tr><td>{@value #REQUEST_TIMEOUT_MS}</td><td>int</td><td>5000</td><td>[1, 300000]</td></tr>
 *   <tr><td>{@value #RETRIES_MAX}</td><td>int</td><td>5</td><td>[0, 100]</td></tr>
 *   <tr><td>{@value #RETRY_BACKOFF_INITIAL_MS}</td><td>int</td><td>100</td><td>[0, 60000]</td></tr>
 *   <tr><td>{@value #RETRY_BACKOFF_MAX_MS}</td><td>int</td><td>2000</td><td>[0, 300000], at least the initial
 *       backoff</td></tr>
 *   <tr><td>{@value #AUTO_REGISTER}</td><td>boolean</td><td>false</td><td></td></tr>
 *   <tr><td>{@value #CACHE_ENTRIES_MAX}</td><td>int</td><td>1000</td><td>[1, 1000000]</td></tr>
 *   <tr><td>{@value #BASIC_AUTH_USER_INFO}</td><td>password</td><td>(none)</td><td>{@code user:password}</td></tr>
 * </table>
 *
 * <p>A bad value fails construction with a {@link ConfigException} naming the key and the value (the basic-auth value
 * is never shown: it is a {@link Password}). {@link #configDef()} returns the definitions, from which the docs'
 * configuration reference is generated ({@code ConfigDef.toHtml()} / {@code toRst()}).
 *
 * <p>Immutable and thread-safe.
 */
public final class RegistryClientConfig {

    /** Prefix shared by every key of this config. */
    public static final String PREFIX = "registry.";

    /** Base URL of the registry's Confluent-compatible REST API. */
    public static final String URL = "registry.url";

    /** Timeout of one HTTP request (connect and answer), in milliseconds. */
    public static final String REQUEST_TIMEOUT_MS = "registry.request.timeout.ms";

    /** How many times a failed request is retried (connection failures, timeouts and 5xx only). */
    public static final String RETRIES_MAX = "registry.retries.max";

    /** Backoff before the first retry, in milliseconds; doubles per retry. */
    public static final String RETRY_BACKOFF_INITIAL_MS = "registry.retry.backoff.initial.ms";

    /** Upper bound of the backoff between retries, in milliseconds. */
    public static final String RETRY_BACKOFF_MAX_MS = "registry.retry.backoff.max.ms";

    /** Whether serializers register a schema that is not yet registered under the subject. */
    public static final String AUTO_REGISTER = "registry.auto.register";

    /** Maximum number of entries in each of the client's caches. */
    public static final String CACHE_ENTRIES_MAX = "registry.cache.entries.max";

    /** Credentials for HTTP basic authentication, {@code user:password}. */
    public static final String BASIC_AUTH_USER_INFO = "registry.basic.auth.user.info";

    /** Trust store for an https registry whose certificate the JVM's default trust store does not cover. */
    public static final String SSL_TRUSTSTORE_LOCATION = "registry.ssl.truststore.location";

    /** Password of {@value #SSL_TRUSTSTORE_LOCATION}. */
    public static final String SSL_TRUSTSTORE_PASSWORD = "registry.ssl.truststore.password";

    /** Type of {@value #SSL_TRUSTSTORE_LOCATION}: PKCS12 or JKS. */
    public static final String SSL_TRUSTSTORE_TYPE = "registry.ssl.truststore.type";

    private final URI url;
    private final int requestTimeoutMs;
    private final int retriesMax;
    private final int retryBackoffInitialMs;
    private final int retryBackoffMaxMs;
    private final boolean autoRegister;
    private final int cacheEntriesMax;
    private final Password basicAuthUserInfo;
    private final String truststoreLocation;
    private final Password truststorePassword;
    private final String truststoreType;

    private RegistryClientConfig(AbstractConfig parsed) {
        this.url = URI.create(stripTrailingSlashes(parsed.getString(URL)));
        this.requestTimeoutMs = parsed.getInt(REQUEST_TIMEOUT_MS);
        this.retriesMax = parsed.getInt(RETRIES_MAX);
        this.retryBackoffInitialMs = parsed.getInt(RETRY_BACKOFF_INITIAL_MS);
        this.retryBackoffMaxMs = parsed.getInt(RETRY_BACKOFF_MAX_MS);
        this.autoRegister = parsed.getBoolean(AUTO_REGISTER);
        this.cacheEntriesMax = parsed.getInt(CACHE_ENTRIES_MAX);
        this.basicAuthUserInfo = parsed.getPassword(BASIC_AUTH_USER_INFO);
        this.truststoreLocation = parsed.getString(SSL_TRUSTSTORE_LOCATION);
        this.truststorePassword = parsed.getPassword(SSL_TRUSTSTORE_PASSWORD);
        this.truststoreType = parsed.getString(SSL_TRUSTSTORE_TYPE);
        if (retryBackoffMaxMs < retryBackoffInitialMs) {
            throw new ConfigException(
                    RETRY_BACKOFF_MAX_MS,
                    retryBackoffMaxMs,
                    "must be at least " + RETRY_BACKOFF_INITIAL_MS + " (" + retryBackoffInitialMs + ")");
        }
    }

    /**
     * Returns the definitions of every key of this config, e.g. to generate documentation or to extend them.
     *
     * @return a new definition, never null
     */
    public static ConfigDef configDef() {
        return new ConfigDef()
                .define(
                        URL,
                        Type.STRING,
                        ConfigDef.NO_DEFAULT_VALUE,
                        new HttpUrlValidator(),
                        Importance.HIGH,
                        "Base URL of the schema registry's Confluent-compatible REST API, e.g."
                                + " http://127.0.0.1:8080/apis/ccompat/v7 for Apicurio.")
                .define(
                        REQUEST_TIMEOUT_MS,
                        Type.INT,
                        5000,
                        Range.between(1, 300_000),
                        Importance.MEDIUM,
                        "Timeout of one HTTP request to the registry (connect and answer), in milliseconds.")
                .define(
                        RETRIES_MAX,
                        Type.INT,
                        5,
                        Range.between(0, 100),
                        Importance.MEDIUM,
                        "How many times a request is retried after a connection failure, a timeout or a 5xx answer."
                                + " Other answers (4xx) are never retried.")
                .define(
                        RETRY_BACKOFF_INITIAL_MS,
                        Type.INT,
                        100,
                        Range.between(0, 60_000),
                        Importance.LOW,
                        "Backoff before the first retry, in milliseconds. It doubles on every retry, up to "
                                + RETRY_BACKOFF_MAX_MS + ", and each wait is drawn at random from its upper half.")
                .define(
                        RETRY_BACKOFF_MAX_MS,
                        Type.INT,
                        2000,
                        Range.between(0, 300_000),
                        Importance.LOW,
                        "Upper bound of the backoff between retries, in milliseconds. Must be at least "
                                + RETRY_BACKOFF_INITIAL_MS + ".")
                .define(
                        AUTO_REGISTER,
                        Type.BOOLEAN,
                        false,
                        Importance.MEDIUM,
                        "Whether serializers register their schema under the subject when it is not registered"
                                + " yet. Off by default: in production, schemas are registered by the deployment and"
                                + " a serializer only looks its schema up.")
                .define(
                        CACHE_ENTRIES_MAX,
                        Type.INT,
                        1000,
                        Range.between(1, 1_000_000),
                        Importance.LOW,
                        "Maximum number of entries in each of the client's caches (subject and schema to id, id to"
                                + " schema); the least recently used entry is evicted first.")
                .define(
                        BASIC_AUTH_USER_INFO,
                        Type.PASSWORD,
                        null,
                        new UserInfoValidator(),
                        Importance.MEDIUM,
                        "Credentials for HTTP basic authentication as user:password. Unset: no authentication."
                                + " Never logged.")
                .define(
                        SSL_TRUSTSTORE_LOCATION,
                        Type.STRING,
                        null,
                        Importance.MEDIUM,
                        "Trust store file for an https registry. Unset: the JVM's default trust store. Host names"
                                + " are always verified.")
                .define(
                        SSL_TRUSTSTORE_PASSWORD,
                        Type.PASSWORD,
                        null,
                        Importance.MEDIUM,
                        "Password of the trust store. Never logged.")
                .define(
                        SSL_TRUSTSTORE_TYPE,
                        Type.STRING,
                        "PKCS12",
                        ConfigDef.ValidString.in("PKCS12", "JKS"),
                        Importance.LOW,
                        "Type of the trust store.");
    }

    /**
     * Parses and validates a config. Keys not defined here are ignored, so a whole producer or consumer config may be
     * passed.
     *
     * @param originals the raw config, not null
     * @return the validated config, never null
     * @throws ConfigException if a value is missing or invalid; the message names the key and the value
     */
    public static RegistryClientConfig fromMap(Map<String, ?> originals) {
        Objects.requireNonNull(originals, "originals");
        return new RegistryClientConfig(new AbstractConfig(configDef(), originals, false));
    }

    /**
     * Returns a builder starting from the defaults, for code that configures the client directly.
     *
     * @param url the registry URL ({@value #URL}), not null
     * @return a new builder, never null
     */
    public static Builder builder(String url) {
        return new Builder(Objects.requireNonNull(url, "url"));
    }

    /**
     * Returns the registry URL, without a trailing slash.
     *
     * @return an absolute http or https URI, never null
     */
    public URI url() {
        return url;
    }

    /**
     * Returns the timeout of one HTTP request.
     *
     * @return a positive duration, never null
     */
    public Duration requestTimeout() {
        return Duration.ofMillis(requestTimeoutMs);
    }

    /**
     * Returns how many times a failed request is retried.
     *
     * @return between 0 and 100
     */
    public int retriesMax() {
        return retriesMax;
    }

    /**
     * Returns the backoff before the first retry.
     *
     * @return a non-negative duration, never null
     */
    public Duration retryBackoffInitial() {
        return Duration.ofMillis(retryBackoffInitialMs);
    }

    /**
     * Returns the upper bound of the backoff between retries.
     *
     * @return a duration at least {@link #retryBackoffInitial()}, never null
     */
    public Duration retryBackoffMax() {
        return Duration.ofMillis(retryBackoffMaxMs);
    }

    /**
     * Returns whether serializers register unregistered schemas.
     *
     * @return the {@value #AUTO_REGISTER} setting
     */
    public boolean autoRegister() {
        return autoRegister;
    }

    /**
     * Returns the maximum number of entries per cache.
     *
     * @return between 1 and 1,000,000
     */
    public int cacheEntriesMax() {
        return cacheEntriesMax;
    }

    /**
     * Returns the basic-auth credentials.
     *
     * @return {@code user:password} wrapped so that it is never printed, or empty if unset
     */
    public Optional<Password> basicAuthUserInfo() {
        return Optional.ofNullable(basicAuthUserInfo);
    }

    /**
     * Returns the TLS context that trusts the configured trust store, or empty to use the JVM default.
     *
     * @return a new context each call, or empty when {@value #SSL_TRUSTSTORE_LOCATION} is unset
     * @throws ConfigException naming {@value #SSL_TRUSTSTORE_LOCATION} if the store cannot be read
     */
    public Optional<javax.net.ssl.SSLContext> sslContext() {
        if (truststoreLocation == null) {
            return Optional.empty();
        }
        char[] password =
                truststorePassword == null ? null : truststorePassword.value().toCharArray();
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(truststoreLocation))) {
            java.security.KeyStore store = java.security.KeyStore.getInstance(truststoreType);
            store.load(in, password);
            javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return Optional.of(context);
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new ConfigException(SSL_TRUSTSTORE_LOCATION, truststoreLocation, "cannot load trust store: " + e);
        }
    }

    /** Returns the settings, with the credentials hidden. */
    @Override
    public String toString() {
        return "RegistryClientConfig{url=" + url + ", requestTimeoutMs=" + requestTimeoutMs + ", retriesMax="
                + retriesMax + ", retryBackoffInitialMs=" + retryBackoffInitialMs + ", retryBackoffMaxMs="
                + retryBackoffMaxMs + ", autoRegister=" + autoRegister + ", cacheEntriesMax=" + cacheEntriesMax
                + ", basicAuth=" + (basicAuthUserInfo == null ? "none" : Password.HIDDEN) + "}";
    }

    private static String stripTrailingSlashes(String url) {
        String trimmed = url.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed;
    }

    /**
     * Builds a {@link RegistryClientConfig} from typed values; validation is the same as {@link #fromMap(Map)}.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {

        private final Map<String, Object> values = new HashMap<>();

        private Builder(String url) {
            values.put(URL, url);
        }

        /**
         * Sets {@value #REQUEST_TIMEOUT_MS}.
         *
         * @param requestTimeout the timeout, not null
         * @return this builder
         */
        public Builder requestTimeout(Duration requestTimeout) {
            values.put(REQUEST_TIMEOUT_MS, toIntMillis(requestTimeout, REQUEST_TIMEOUT_MS));
            return this;
        }

        /**
         * Sets {@value #RETRIES_MAX}.
         *
         * @param retriesMax the number of retries
         * @return this builder
         */
        public Builder retriesMax(int retriesMax) {
            values.put(RETRIES_MAX, retriesMax);
            return this;
        }

        /**
         * Sets {@value #RETRY_BACKOFF_INITIAL_MS} and {@value #RETRY_BACKOFF_MAX_MS}.
         *
         * @param initial the first backoff, not null
         * @param max the largest backoff, not null
         * @return this builder
         */
        public Builder retryBackoff(Duration initial, Duration max) {
            values.put(RETRY_BACKOFF_INITIAL_MS, toIntMillis(initial, RETRY_BACKOFF_INITIAL_MS));
            values.put(RETRY_BACKOFF_MAX_MS, toIntMillis(max, RETRY_BACKOFF_MAX_MS));
            return this;
        }

        /**
         * Sets {@value #AUTO_REGISTER}.
         *
         * @param autoRegister whether serializers register unregistered schemas
         * @return this builder
         */
        public Builder autoRegister(boolean autoRegister) {
            values.put(AUTO_REGISTER, autoRegister);
            return this;
        }

        /**
         * Sets {@value #CACHE_ENTRIES_MAX}.
         *
         * @param cacheEntriesMax the maximum number of entries per cache
         * @return this builder
         */
        public Builder cacheEntriesMax(int cacheEntriesMax) {
            values.put(CACHE_ENTRIES_MAX, cacheEntriesMax);
            return this;
        }

        /**
         * Sets {@value #BASIC_AUTH_USER_INFO}.
         *
         * @param userInfo {@code user:password}, not null
         * @return this builder
         */
        public Builder basicAuthUserInfo(String userInfo) {
            values.put(BASIC_AUTH_USER_INFO, Objects.requireNonNull(userInfo, "userInfo"));
            return this;
        }

        /**
         * Validates the values and builds the config.
         *
         * @return the config, never null
         * @throws ConfigException if a value is invalid
         */
        public RegistryClientConfig build() {
            return fromMap(values);
        }

        private static int toIntMillis(Duration duration, String key) {
            long millis = Objects.requireNonNull(duration, key).toMillis();
            if (millis > Integer.MAX_VALUE || millis < 0) {
                throw new ConfigException(key, duration, "must be between 0 and " + Integer.MAX_VALUE + " ms");
            }
            return (int) millis;
        }
    }

    /** Accepts absolute http and https URLs with a host. */
    private static final class HttpUrlValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                throw new ConfigException(name, null, "must be set");
            }
            String text = value.toString().trim();
            try {
                URI uri = new URI(text);
                String scheme = uri.getScheme();
                if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || uri.getHost() == null) {
                    throw new ConfigException(name, value, "must be an absolute http or https URL with a host");
                }
                if (uri.getRawUserInfo() != null) {
                    throw new ConfigException(
                            name, "(hidden)", "must not contain credentials; use " + BASIC_AUTH_USER_INFO);
                }
            } catch (URISyntaxException e) {
                throw new ConfigException(name, value, "not a valid URL: " + e.getReason());
            }
        }

        @Override
        public String toString() {
            return "absolute http(s) URL";
        }
    }

    /** Accepts {@code user:password}; never shows the value in errors. */
    private static final class UserInfoValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                return;
            }
            String text = value instanceof Password password ? password.value() : value.toString();
            int colon = text.indexOf(':');
            if (colon <= 0) {
                throw new ConfigException(name, Password.HIDDEN, "must have the form user:password");
            }
        }

        @Override
        public String toString() {
            return "user:password";
        }
    }
}

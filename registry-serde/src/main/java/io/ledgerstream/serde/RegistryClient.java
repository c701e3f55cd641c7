package io.ledgerstream.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client for the Confluent Schema Registry REST API (v7), also served by Apicurio Registry under {@code
 * /apis/ccompat/v7}. Avro schemas only, without schema references.
 *
 * <p><b>Caching.</b> Successful answers are cached in two bounded LRU caches of {@link
 * RegistryClientConfig#cacheEntriesMax()} entries each (default 1000): subject and schema to id (filled by {@link
 * #register} and {@link #lookup}), and id to schema (filled by {@link #schemaById} and {@link #register}). Ids are
 * immutable in a registry, so entries never go stale. Negative answers (not found) are not cached.
 *
 * <p><b>Retries.</b> A request that fails to connect, times out ({@link RegistryClientConfig#requestTimeout()} bounds
 * the whole exchange) or gets a 5xx answer is retried up to {@link RegistryClientConfig#retriesMax()} times with
 * exponential backoff and jitter, then fails with {@link RegistryUnavailableException}. Any other answer is final: 4xx
 * answers are never retried.
 *
 * <p><b>Schema text.</b> A schema is sent as {@link Schema#toString()}, Avro's compact JSON, so the same {@link Schema}
 * always produces the same text. Apicurio looks schemas up by exact text: a schema registered by another tool with
 * different formatting is not found by {@link #lookup}.
 *
 * <p><b>Credentials</b> ({@link RegistryClientConfig#BASIC_AUTH_USER_INFO}) are sent as HTTP basic authentication
 * and never logged or included in exception messages.
 *
 * <p>Thread-safe. {@link #close()} is idempotent; any other method throws {@link IllegalStateException} after it.
 */
public final class RegistryClient implements AutoCloseable {

    /** Content type of request bodies, as the Confluent API specifies. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    /** Largest answer body accepted, in bytes; a larger one fails the request. */
    public static final int RESPONSE_BYTES_MAX = 8 * 1024 * 1024;

    /** Compatibility levels accepted by {@link #setCompatibility(String, String)}. */
    public static final Set<String> COMPATIBILITY_LEVELS = Set.of(
            "NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE");

    private static final Logger LOG = LoggerFactory.getLogger(RegistryClient.class);

    private static final String ACCEPT =
            CONTENT_TYPE + ", application/vnd.schemaregistry+json; q=0.9," + " application/json; q=0.5";

    private final RegistryClientConfig config;
    private final String baseUrl;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final Optional<String> authorization;
    private final BoundedCache<SubjectSchema, Integer> idsBySubjectSchema;
    private final BoundedCache<Integer, Schema> schemasById;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Creates a client. No request is sent until a method is called.
     *
     * @param config the validated configuration, not null
     */
    public RegistryClient(RegistryClientConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.baseUrl = config.url().toString();
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        config.sslContext().ifPresent(builder::sslContext);
        this.http = builder.build();
        this.authorization = config.basicAuthUserInfo()
                .map(password -> "Basic "
                        + Base64.getEncoder().encodeToString(password.value().getBytes(StandardCharsets.UTF_8)));
        this.idsBySubjectSchema = new BoundedCache<>(config.cacheEntriesMax());
        this.schemasById = new BoundedCache<>(config.cacheEntriesMax());
    }

    /**
     * Creates a client from raw config (see {@link RegistryClientConfig} for the keys).
     *
     * @param configs the raw config, not null; keys other than {@code registry.*} are ignored
     * @return a new client, never null
     * @throws org.apache.kafka.common.config.ConfigException if the config is invalid
     */
    public static RegistryClient create(Map<String, ?> configs) {
        return new RegistryClient(RegistryClientConfig.fromMap(configs));
    }

    /**
     * Returns this client's configuration.
     *
     * @return the config, never null
     */
    public RegistryClientConfig config() {
        return config;
    }

    /**
     * Registers a schema under a subject, or returns its id if it is registered already.
     *
     * @param subject the subject, e.g. {@code transfers-value}, not null or empty
     * @param schema the Avro schema, not null
     * @return the schema's id
     * @throws IncompatibleSchemaException if the subject's compatibility rule rejects the schema (HTTP 409)
     * @throws InvalidSchemaException if the registry rejects the schema as invalid (HTTP 422)
     * @throws RegistryUnavailableException if the registry cannot be reached after all retries
     * @throws RegistryRequestException on any other error answer
     */
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(checkSubject(subject), Objects.requireNonNull(schema, "schema"));
        ensureOpen();
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        String request = "POST /subjects/{subject}/versions";
        Response response = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema), request);
        switch (response.status()) {
            case 200 -> {
                int id = requireInt(response, "id", request);
                idsBySubjectSchema.put(key, id);
                schemasById.put(id, schema);
                LOG.debug("Registered schema {} under subject {} with id {}", schema.getFullName(), subject, id);
                return id;
            }
            case 409 -> throw IncompatibleSchemaException.registrationRefused(subject, response.message());
            case 422 -> throw new InvalidSchemaException("Schema registry rejected schema " + schema.getFullName()
                    + " for subject '" + subject + "' as invalid: " + response.message());
            default -> throw requestFailed(request, response);
        }
    }

    /**
     * Returns the id of a schema registered under a subject, without registering it.
     *
     * @param subject the subject, not null or empty
     * @param schema the Avro schema, not null
     * @return the id, or empty if the subject does not exist or does not hold this schema
     * @throws RegistryUnavailableException if the registry cannot be reached after all retries
     * @throws RegistryRequestException on any other error answer
     */
    public OptionalInt lookup(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(checkSubject(subject), Objects.requireNonNull(schema, "schema"));
        ensureOpen();
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return OptionalInt.of(cached);
        }
        String request = "POST /subjects/{subject}";
        Response response = send("POST", "/subjects/" + encode(subject), schemaBody(schema), request);
        return switch (response.status()) {
            case 200 -> {
                int id = requireInt(response, "id", request);
                idsBySubjectSchema.put(key, id);
                yield OptionalInt.of(id);
            }
            case 404 -> OptionalInt.empty();
            default -> throw requestFailed(request, response);
        };
    }

    /**
     * Returns the schema with an id.
     *
     * @param id the schema id
     * @return the parsed schema, never null
     * @throws UnknownSchemaIdException if the registry has no schema with this id
     * @throws InvalidSchemaException if the schema is not a self-contained Avro schema
     * @throws RegistryUnavailableException if the registry cannot be reached after all retries
     * @throws RegistryRequestException on any other error answer
     */
    public Schema schemaById(int id) {
        ensureOpen();
        return schemasById.computeIfAbsent(id, this::fetchSchema);
    }

    private Schema fetchSchema(int id) {
        String request = "GET /schemas/ids/{id}";
        Response response = send("GET", "/schemas/ids/" + id, null, request);
        if (response.status() == 404) {
            throw new UnknownSchemaIdException(id, baseUrl);
        }
        if (response.status() != 200) {
            throw requestFailed(request, response);
        }
        JsonNode body = response.json(request);
        JsonNode type = body.get("schemaType");
        if (type != null && !type.isNull() && !"AVRO".equalsIgnoreCase(type.asText())) {
            throw new InvalidSchemaException("Schema id " + id + " is a " + type.asText() + " schema, not Avro");
        }
        JsonNode references = body.get("references");
        if (references != null && references.isArray() && !references.isEmpty()) {
            throw new InvalidSchemaException("Schema id " + id + " uses schema references, which are not supported");
        }
        JsonNode text = body.get("schema");
        if (text == null || !text.isTextual()) {
            throw new RegistryRequestException(request, response.status(), -1, "answer has no 'schema' text");
        }
        try {
            return new Schema.Parser().parse(text.asText());
        } catch (SchemaParseException e) {
            throw new InvalidSchemaException("Schema id " + id + " is not a valid Avro schema: " + e.getMessage(), e);
        }
    }

    /**
     * Returns the compatibility level in force for a subject, or the global one.
     *
     * @param subjectOrNullForGlobal a subject, or null for the global level
     * @return the level, e.g. {@code BACKWARD}; for a subject without its own level, the global level
     * @throws RegistryUnavailableException if the registry cannot be reached after all retries
     * @throws RegistryRequestException on an error answer
     */
    public String compatibility(String subjectOrNullForGlobal) {
        ensureOpen();
        if (subjectOrNullForGlobal != null) {
            String request = "GET /config/{subject}";
            String path = "/config/" + encode(checkSubject(subjectOrNullForGlobal)) + "?defaultToGlobal=true";
            Response response = send("GET", path, null, request);
            if (response.status() == 200) {
                return compatibilityLevel(response, request);
            }
            if (response.status() != 404) { // 404: no subject-level setting, or no such subject yet
                throw requestFailed(request, response);
            }
        }
        String request = "GET /config";
        Response response = send("GET", "/config", null, request);
        if (response.status() != 200) {
            throw requestFailed(request, response);
        }
        return compatibilityLevel(response, request);
    }

    /**
     * Sets the compatibility level of a subject, or the global one.
     *
     * @param subjectOrNullForGlobal a subject, or null for the global level
     * @param level one of {@link #COMPATIBILITY_LEVELS}, case-insensitive, not null
     * @throws IllegalArgumentException if the level is unknown
     * @throws RegistryUnavailableException if the registry cannot be reached after all retries
     * @throws RegistryRequestException on an error answer, e.g. for a subject the registry does not know
     */
    public void setCompatibility(String subjectOrNullForGlobal, String level) {
        String normalized = Objects.requireNonNull(level, "level").trim().toUpperCase(Locale.ROOT);
        if (!COMPATIBILITY_LEVELS.contains(normalized)) {
            throw new IllegalArgumentException(
                    "Unknown compatibility level '" + level + "', expected one of " + COMPATIBILITY_LEVELS);
        }
        ensureOpen();
        String request = subjectOrNullForGlobal == null ? "PUT /config" : "PUT /config/{subject}";
        String path =
                subjectOrNullForGlobal == null ? "/config" : "/config/" + encode(checkSubject(subjectOrNullForGlobal));
        Response response = send("PUT", path, toJson(Map.of("compatibility", normalized)), request);
        if (response.status() != 200) {
            throw requestFailed(request, response);
        }
        String answered = compatibilityLevelOrNull(response.json(request));
        if (answered != null && !answered.equalsIgnoreCase(normalized)) {
            throw new RegistryRequestException(
                    request,
                    response.status(),
                    -1,
                    "asked for " + normalized + " but the registry answered " + answered);
        }
    }

    /**
     * Lists the registered subjects.
     *
     * @return the subjects, in the registry's order, never null
     * @throws RegistryUnavailableException if the registry cannot be reached after all retries
     * @throws RegistryRequestException on an error answer
     */
    public List<String> subjects() {
        ensureOpen();
        String request = "GET /subjects";
        Response response = send("GET", "/subjects", null, request);
        if (response.status() != 200) {
            throw requestFailed(request, response);
        }
        JsonNode body = response.json(request);
        if (!body.isArray()) {
            throw new RegistryRequestException(request, response.status(), -1, "answer is not a JSON array");
        }
        List<String> subjects = new ArrayList<>(body.size());
        body.forEach(node -> subjects.add(node.asText()));
        return List.copyOf(subjects);
    }

    /** Clears the caches; later calls throw {@link IllegalStateException}. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            idsBySubjectSchema.clear();
            schemasById.clear();
        }
    }

    @Override
    public String toString() {
        return "RegistryClient[" + baseUrl + "]";
    }

    // ---- HTTP ----

    /**
     * Sends a request, retrying connection failures, timeouts and 5xx answers.
     *
     * @param description the method and path template, for messages; never contains a subject value
     */
    private Response send(String method, String pathAndQuery, String jsonBody, String description) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .timeout(config.requestTimeout())
                .header("Accept", ACCEPT)
                .method(
                        method,
                        jsonBody == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8));
        if (jsonBody != null) {
            builder.header("Content-Type", CONTENT_TYPE);
        }
        authorization.ifPresent(value -> builder.header("Authorization", value));
        HttpRequest request = builder.build();

        long timeoutMs = config.requestTimeout().toMillis();
        for (int attempt = 1; ; attempt++) {
            String failure;
            Throwable cause = null;
            CompletableFuture<HttpResponse<byte[]>> future =
                    http.sendAsync(request, info -> new LimitedBodySubscriber(RESPONSE_BYTES_MAX));
            try {
                HttpResponse<byte[]> response = future.get(timeoutMs, TimeUnit.MILLISECONDS);
                Response answer = new Response(response.statusCode(), response.body());
                if (answer.status() < 500) {
                    return answer;
                }
                failure = description + " answered HTTP " + answer.status() + ": " + answer.message();
            } catch (TimeoutException e) {
                future.cancel(true);
                failure = description + " timed out after " + timeoutMs + " ms";
                cause = e;
            } catch (ExecutionException e) {
                Throwable error = e.getCause() == null ? e : e.getCause();
                if (error instanceof ResponseTooLargeException) {
                    throw new RegistryRequestException(description, -1, -1, error.getMessage());
                }
                failure = error instanceof HttpTimeoutException
                        ? description + " timed out after " + timeoutMs + " ms"
                        : description + " failed: " + describe(error);
                cause = error;
            } catch (CancellationException e) {
                failure = description + " was cancelled";
                cause = e;
            } catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                throw new InterruptException("Interrupted during schema registry request " + description, e);
            }
            if (attempt > config.retriesMax()) {
                throw new RegistryUnavailableException(baseUrl, attempt, failure, cause);
            }
            long backoffMs = backoffMs(attempt);
            LOG.debug("Retrying schema registry request in {} ms (attempt {}): {}", backoffMs, attempt, failure);
            sleep(backoffMs, description);
        }
    }

    /** Describes an exception chain briefly, e.g. {@code ConnectException (ClosedChannelException)}. */
    private static String describe(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null && text.length() < 300; t = t.getCause()) {
            text.append(t == error ? "" : " (").append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                text.append(": ").append(t.getMessage());
            }
            if (t != error) {
                text.append(')');
            }
        }
        return text.toString();
    }

    /** Exponential backoff with "equal jitter": uniformly random in the upper half of the exponential delay. */
    private long backoffMs(int attempt) {
        long initial = config.retryBackoffInitial().toMillis();
        long max = config.retryBackoffMax().toMillis();
        long exponential = initial << Math.min(attempt - 1, 30);
        long delay = Math.min(max, exponential < 0 ? max : exponential);
        long half = delay / 2;
        return delay - half + (half == 0 ? 0 : ThreadLocalRandom.current().nextLong(half + 1));
    }

    private static void sleep(long millis, String description) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException("Interrupted while retrying schema registry request " + description, e);
        }
    }

    private String schemaBody(Schema schema) {
        return toJson(Map.of("schema", schema.toString()));
    }

    private String toJson(Map<String, String> body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot encode a JSON request body", e);
        }
    }

    private int requireInt(Response response, String field, String request) {
        JsonNode value = response.json(request).get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new RegistryRequestException(
                    request, response.status(), -1, "answer has no integer '" + field + "': " + response.snippet());
        }
        return value.intValue();
    }

    private static String compatibilityLevel(Response response, String request) {
        String level = compatibilityLevelOrNull(response.json(request));
        if (level == null) {
            throw new RegistryRequestException(
                    request,
                    response.status(),
                    -1,
                    "answer has neither 'compatibility' nor 'compatibilityLevel': " + response.snippet());
        }
        return level;
    }

    /** Confluent answers {@code compatibilityLevel} on GET and {@code compatibility} on PUT; Apicurio the former. */
    private static String compatibilityLevelOrNull(JsonNode body) {
        for (String field : List.of("compatibilityLevel", "compatibility")) {
            JsonNode value = body.get(field);
            if (value != null && value.isTextual()) {
                return value.asText();
            }
        }
        return null;
    }

    private static RegistryRequestException requestFailed(String request, Response response) {
        return new RegistryRequestException(request, response.status(), response.errorCode(), response.message());
    }

    private static String checkSubject(String subject) {
        Objects.requireNonNull(subject, "subject");
        if (subject.isBlank()) {
            throw new IllegalArgumentException("subject must not be blank");
        }
        return subject;
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("RegistryClient for " + baseUrl + " is closed");
        }
    }

    /** Cache key: a schema under a subject. {@link Schema#hashCode()} is cached by Avro, so lookups are cheap. */
    private record SubjectSchema(String subject, Schema schema) {}

    /** A final (non-5xx) answer. */
    private final class Response {
        private final int status;
        private final byte[] body;
        private JsonNode parsed;

        Response(int status, byte[] body) {
            this.status = status;
            this.body = body;
        }

        int status() {
            return status;
        }

        JsonNode json(String request) {
            if (parsed == null) {
                try {
                    parsed = json.readTree(body);
                } catch (IOException e) {
                    throw new RegistryRequestException(request, status, -1, "answer is not JSON: " + snippet());
                }
                if (parsed == null || parsed.isMissingNode()) {
                    throw new RegistryRequestException(request, status, -1, "answer is empty");
                }
            }
            return parsed;
        }

        /** The registry's error message, or the start of the body if it is not a registry error document. */
        String message() {
            try {
                JsonNode node = json.readTree(body);
                if (node != null && node.hasNonNull("message")) {
                    return node.get("message").asText();
                }
            } catch (IOException notJson) {
                // fall through to the raw body
            }
            return snippet();
        }

        int errorCode() {
            try {
                JsonNode node = json.readTree(body);
                if (node != null
                        && node.has("error_code")
                        && node.get("error_code").canConvertToInt()) {
                    return node.get("error_code").intValue();
                }
            } catch (IOException notJson) {
                // no error code
            }
            return -1;
        }

        String snippet() {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            return text.length() <= 300 ? text : text.substring(0, 300) + "...";
        }
    }

    private static final class ResponseTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        ResponseTooLargeException(int max) {
            super("answer body larger than " + max + " bytes");
        }
    }

    /** Collects a response body, failing once it exceeds a bound instead of buffering without limit. */
    private static final class LimitedBodySubscriber implements HttpResponse.BodySubscriber<byte[]> {
        private final int max;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final List<ByteBuffer> buffers = new ArrayList<>();
        private Flow.Subscription subscription;
        private long received;

        LimitedBodySubscriber(int max) {
            this.max = max;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                received += item.remaining();
                buffers.add(item);
            }
            if (received > max) {
                subscription.cancel();
                buffers.clear();
                result.completeExceptionally(new ResponseTooLargeException(max));
            }
        }

        @Override
        public void onError(Throwable throwable) {
            buffers.clear();
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            if (result.isDone()) {
                return;
            }
            byte[] bytes = new byte[(int) received];
            int offset = 0;
            for (ByteBuffer buffer : buffers) {
                int length = buffer.remaining();
                buffer.get(bytes, offset, length);
                offset += length;
            }
            buffers.clear();
            result.complete(bytes);
        }
    }
}

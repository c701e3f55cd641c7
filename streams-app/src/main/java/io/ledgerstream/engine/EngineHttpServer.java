package io.ledgerstream.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.ledgerstream.core.AccountState;
import io.ledgerstream.core.Hold;
import io.ledgerstream.core.InvariantViolation;
import io.ledgerstream.schemas.AccountRecord;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's HTTP endpoints (JDK {@code com.sun.net.httpserver}), documented in {@code docs/operations.md}:
 *
 * <ul>
 *   <li>{@code GET /health/live}: 200 unless Kafka Streams has failed or stopped ({@code ERROR}, {@code
 *       PENDING_ERROR}, {@code PENDING_SHUTDOWN}, {@code NOT_RUNNING}): 503;
 *   <li>{@code GET /health/ready}: 200 when Kafka Streams is {@code RUNNING}, else 503;
 *   <li>{@code GET /metrics}: Prometheus text format;
 *   <li>{@code GET /accounts/{id}}: the account's balance, available balance, version, currency, overdraft limit and
 *       holds, read by interactive query from the {@code accounts} store of the instance that owns the account: this
 *       one, or the owner (found with {@link KafkaStreams#queryMetadataForKey} and the same consistent-hash
 *       partitioner as the topology), to which the request is forwarded once (a proxy, not a redirect: callers need
 *       not reach every instance). 404 unknown account, 400 malformed ID, 503 while partitions move (with {@code
 *       Retry-After}), 502/504 when the owner does not answer.
 * </ul>
 *
 * <p>Bounds: {@code http.threads} threads answer requests with at most {@value #QUEUE_PER_THREAD} waiting per thread;
 * beyond that the accepting thread answers the request itself, so it stops accepting new connections until one is done
 * (backpressure through the TCP backlog). A forwarded query waits at most {@code http.forward.timeout.ms}. Account IDs
 * longer than {@value #ACCOUNT_ID_LENGTH_MAX} characters are refused before any lookup.
 *
 * <p>Lifecycle: {@link #bind} binds the socket (so that a free port chosen with {@code http.port=0} is known before
 * Kafka Streams is configured with {@code application.server}); {@link #start} installs the handlers and starts
 * answering; {@link #close} stops. Thread-safe.
 */
final class EngineHttpServer implements AutoCloseable {

    static final String FORWARDED_HEADER = "X-Ledgerstream-Forwarded-By";
    static final String SERVED_BY_HEADER = "X-Ledgerstream-Served-By";
    static final int ACCOUNT_ID_LENGTH_MAX = 128;
    static final int QUEUE_PER_THREAD = 16;
    static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Logger LOG = LoggerFactory.getLogger(EngineHttpServer.class);
    private static final String JSON = "application/json";
    private static final String ACCOUNTS_PREFIX = "/accounts/";
    private static final Set<KafkaStreams.State> DEAD = Set.of(
            KafkaStreams.State.ERROR,
            KafkaStreams.State.PENDING_ERROR,
            KafkaStreams.State.PENDING_SHUTDOWN,
            KafkaStreams.State.NOT_RUNNING);

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final HostInfo self;
    private final Duration forwardTimeout;
    private final HttpClient forwarder;
    private final ObjectMapper json = new ObjectMapper();
    private final AvroBinarySerde<AccountRecord> accountSerde = new AvroBinarySerde<>(AccountRecord.getClassSchema());
    private final ConsistentHashPartitioner<String, Object> partitioner = new ConsistentHashPartitioner<>(k -> k);

    private volatile KafkaStreams streams;
    private volatile PrometheusMeterRegistry metrics;

    private EngineHttpServer(HttpServer server, ThreadPoolExecutor executor, HostInfo self, Duration forwardTimeout) {
        this.server = server;
        this.executor = executor;
        this.self = self;
        this.forwardTimeout = forwardTimeout;
        this.forwarder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(forwardTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Binds the HTTP socket on {@code http.host:http.port} without answering yet.
     *
     * @throws UncheckedIOException naming the address if it cannot be bound
     */
    static EngineHttpServer bind(EngineConfig config) {
        Objects.requireNonNull(config, "config");
        InetSocketAddress address = new InetSocketAddress(config.httpHost(), config.httpPort());
        HttpServer server;
        try {
            server = HttpServer.create(address, 64);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot bind the HTTP endpoints to " + address + " (http.host, http.port)", e);
        }
        int threads = config.httpThreads();
        AtomicInteger counter = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(
                threads,
                threads,
                60,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(threads * QUEUE_PER_THREAD),
                r -> {
                    Thread t = new Thread(r, "ledgerstream-http-" + counter.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                },
                new ThreadPoolExecutor.CallerRunsPolicy());
        server.setExecutor(executor);
        HostInfo self = advertised(config, server.getAddress());
        return new EngineHttpServer(server, executor, self, Duration.ofMillis(config.httpForwardTimeoutMs()));
    }

    /** {@code application.server} if set, else the bound address (a wildcard replaced by this host's name). */
    static HostInfo advertised(EngineConfig config, InetSocketAddress bound) {
        String configured = config.applicationServer();
        if (!configured.isEmpty()) {
            int colon = configured.lastIndexOf(':');
            return new HostInfo(configured.substring(0, colon), Integer.parseInt(configured.substring(colon + 1)));
        }
        String host = config.httpHost();
        if (bound.getAddress() != null && bound.getAddress().isAnyLocalAddress()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                throw new IllegalStateException(
                        "cannot determine this host's name for application.server; set "
                                + EngineConfig.APPLICATION_SERVER,
                        e);
            }
        }
        return new HostInfo(host, bound.getPort());
    }

    /** The address at which other instances reach this one ({@code application.server}). */
    HostInfo advertised() {
        return self;
    }

    /** The bound socket address. */
    InetSocketAddress address() {
        return server.getAddress();
    }

    /** Installs the handlers and starts answering. */
    void start(KafkaStreams streams, PrometheusMeterRegistry metrics) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        server.createContext("/", guarded(this::notFound));
        server.createContext("/health/live", guarded(this::live));
        server.createContext("/health/ready", guarded(this::ready));
        server.createContext("/metrics", guarded(this::metrics));
        server.createContext("/accounts", guarded(this::account));
        server.start();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- handlers ---------------------------------------------------------------------------------------------

    /** Checks the method and the exact path, and turns a bug into a 500 instead of a dropped connection. */
    private HttpHandler guarded(HttpHandler handler) {
        return exchange -> {
            try {
                if (!"GET".equals(exchange.getRequestMethod())) {
                    exchange.getResponseHeaders().set("Allow", "GET");
                    sendJson(exchange, 405, error("only GET is supported"));
                    return;
                }
                handler.handle(exchange);
            } catch (RuntimeException e) {
                LOG.error("HTTP {} failed", exchange.getRequestURI().getRawPath(), e);
                trySend(exchange, 500, error("internal error; see the engine's log"));
            } finally {
                exchange.close();
            }
        };
    }

    private void notFound(HttpExchange exchange) throws IOException {
        sendJson(
                exchange,
                404,
                error("no such endpoint: " + exchange.getRequestURI().getRawPath()));
    }

    private void live(HttpExchange exchange) throws IOException {
        if (!exact(exchange, "/health/live")) {
            return;
        }
        KafkaStreams.State state = streams.state();
        boolean up = !DEAD.contains(state);
        sendJson(exchange, up ? 200 : 503, status(up, state));
    }

    private void ready(HttpExchange exchange) throws IOException {
        if (!exact(exchange, "/health/ready")) {
            return;
        }
        KafkaStreams.State state = streams.state();
        boolean up = state == KafkaStreams.State.RUNNING;
        sendJson(exchange, up ? 200 : 503, status(up, state));
    }

    private void metrics(HttpExchange exchange) throws IOException {
        if (!exact(exchange, "/metrics")) {
            return;
        }
        send(exchange, 200, PROMETHEUS_CONTENT_TYPE, metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }

    private void account(HttpExchange exchange) throws IOException {
        String raw = exchange.getRequestURI().getRawPath();
        if (raw.equals("/accounts")) {
            sendJson(exchange, 400, error("malformed account ID: missing, use /accounts/{id}"));
            return;
        }
        if (!raw.startsWith(ACCOUNTS_PREFIX)) {
            notFound(exchange);
            return;
        }
        String encoded = raw.substring(ACCOUNTS_PREFIX.length());
        String id;
        try {
            id = percentDecode(encoded);
        } catch (IllegalArgumentException e) {
            sendJson(exchange, 400, error("malformed account ID: " + e.getMessage()));
            return;
        }
        String problem = accountIdProblem(id);
        if (problem != null) {
            sendJson(exchange, 400, error("malformed account ID: " + problem));
            return;
        }
        KeyQueryMetadata owner = streams.queryMetadataForKey(LedgerTopology.ACCOUNTS_STORE, id, partitioner);
        if (owner == null || KeyQueryMetadata.NOT_AVAILABLE.equals(owner) || owner.activeHost() == null) {
            unavailable(exchange, "the account's partition has no active owner right now (rebalancing); retry");
            return;
        }
        if (owner.activeHost().equals(self)) {
            answerLocally(exchange, id, owner.partition());
        } else if (exchange.getRequestHeaders().containsKey(FORWARDED_HEADER)) {
            // forwarded once already and this instance is not the owner (ownership moved meanwhile): no second hop
            unavailable(exchange, "the account's owner changed while the query was forwarded; retry");
        } else {
            forward(exchange, owner.activeHost(), percentEncode(id));
        }
    }

    private void answerLocally(HttpExchange exchange, String id, int partition) throws IOException {
        byte[] bytes;
        try {
            ReadOnlyKeyValueStore<String, byte[]> store = streams.store(StoreQueryParameters.fromNameAndType(
                            LedgerTopology.ACCOUNTS_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore())
                    .withPartition(partition));
            bytes = store.get(id);
        } catch (InvalidStateStoreException e) {
            unavailable(exchange, "the account's store is not queryable right now (" + e.getMessage() + "); retry");
            return;
        }
        exchange.getResponseHeaders().set(SERVED_BY_HEADER, self.host() + ":" + self.port());
        if (bytes == null) {
            ObjectNode body = error("unknown account");
            body.put("accountId", id);
            sendJson(exchange, 404, body);
            return;
        }
        AccountState state = Codec.toState(accountSerde.decode(bytes)); // checks the account's invariants again
        if (!state.accountId().equals(id)) {
            throw new InvariantViolation("account store key " + id + " holds account " + state.accountId());
        }
        sendJson(exchange, 200, view(state, partition));
    }

    private void forward(HttpExchange exchange, HostInfo owner, String encodedId) throws IOException {
        URI target = URI.create("http://" + owner.host() + ":" + owner.port() + ACCOUNTS_PREFIX + encodedId);
        HttpRequest request = HttpRequest.newBuilder(target)
                .timeout(forwardTimeout)
                .header(FORWARDED_HEADER, self.host() + ":" + self.port())
                .GET()
                .build();
        HttpResponse<byte[]> response;
        try {
            response = forwarder.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            sendJson(exchange, 504, error("the account's owner " + owner + " did not answer within " + forwardTimeout));
            return;
        } catch (IOException e) {
            sendJson(exchange, 502, error("the account's owner " + owner + " is unreachable: " + e));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sendJson(exchange, 503, error("interrupted while forwarding"));
            return;
        }
        response.headers().firstValue(SERVED_BY_HEADER).ifPresent(v -> exchange.getResponseHeaders()
                .set(SERVED_BY_HEADER, v));
        if (response.statusCode() == 503) {
            response.headers().firstValue("Retry-After").ifPresent(v -> exchange.getResponseHeaders()
                    .set("Retry-After", v));
        }
        exchange.getResponseHeaders().set(FORWARDED_HEADER, self.host() + ":" + self.port());
        send(
                exchange,
                response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(JSON),
                response.body());
    }

    // ---- account IDs ------------------------------------------------------------------------------------------

    /** Why an account ID is malformed, or null if it is well-formed. */
    static String accountIdProblem(String id) {
        if (id.isBlank()) {
            return "blank";
        }
        if (id.length() > ACCOUNT_ID_LENGTH_MAX) {
            return "longer than " + ACCOUNT_ID_LENGTH_MAX + " characters (" + id.length() + ")";
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isISOControl(c)) {
                return "contains the control character U+" + String.format("%04X", (int) c) + " at index " + i;
            }
        }
        return null;
    }

    /**
     * Strict percent-decoding of a path segment as UTF-8: {@code +} stays a plus, a malformed escape or invalid UTF-8 is
     * an error (never replaced silently). Input longer than 12 x {@value #ACCOUNT_ID_LENGTH_MAX} characters (4 UTF-8 bytes
     * of 3 characters each per code point) is refused unread.
     */
    static String percentDecode(String encoded) {
        if (encoded.length() > ACCOUNT_ID_LENGTH_MAX * 12) {
            throw new IllegalArgumentException("longer than " + ACCOUNT_ID_LENGTH_MAX + " characters");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        int i = 0;
        while (i < encoded.length()) {
            int c = encoded.codePointAt(i);
            if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    throw new IllegalArgumentException("incomplete percent-escape at index " + i);
                }
                int hi = Character.digit(encoded.charAt(i + 1), 16);
                int lo = Character.digit(encoded.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("invalid percent-escape at index " + i);
                }
                bytes.write(hi * 16 + lo);
                i += 3;
            } else {
                bytes.writeBytes(new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(c);
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not valid UTF-8 after percent-decoding");
        }
    }

    /** Percent-encodes an account ID as one path segment. */
    static String percentEncode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ---- responses --------------------------------------------------------------------------------------------

    private ObjectNode view(AccountState state, int partition) {
        ObjectNode body = json.createObjectNode();
        body.put("accountId", state.accountId());
        body.put("currency", state.currency());
        body.put("balance", state.balance());
        body.put("available", state.available());
        body.put("held", state.held());
        body.put("overdraftLimit", state.overdraftLimit());
        body.put("version", state.version());
        body.put("partition", partition);
        ArrayNode holds = body.putArray("holds");
        for (Hold hold : state.holds().values()) {
            holds.addObject()
                    .put("holdId", hold.holdId())
                    .put("amount", hold.amount())
                    .put("expiresAtMs", hold.expiresAtMs());
        }
        return body;
    }

    private ObjectNode status(boolean up, KafkaStreams.State state) {
        ObjectNode body = json.createObjectNode();
        body.put("status", up ? "UP" : "DOWN");
        body.put("state", state.name());
        return body;
    }

    private ObjectNode error(String message) {
        ObjectNode body = json.createObjectNode();
        body.put("error", message);
        return body;
    }

    private boolean exact(HttpExchange exchange, String path) throws IOException {
        if (exchange.getRequestURI().getRawPath().equals(path)) {
            return true;
        }
        notFound(exchange);
        return false;
    }

    private void unavailable(HttpExchange exchange, String message) throws IOException {
        exchange.getResponseHeaders().set("Retry-After", "1");
        sendJson(exchange, 503, error(message));
    }

    private void sendJson(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        send(exchange, status, JSON, json.writeValueAsBytes(body));
    }

    private void trySend(HttpExchange exchange, int status, ObjectNode body) {
        try {
            sendJson(exchange, status, body);
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not send the error response", e); // headers already sent, or the client left
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}

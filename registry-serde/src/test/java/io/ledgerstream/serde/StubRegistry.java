package io.ledgerstream.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-JVM HTTP server on 127.0.0.1 standing in for a schema registry in unit tests.
 *
 * <p>By default it is a small in-memory Confluent-API registry (register, look up, fetch by id, subjects, config),
 * which assigns content ids like Apicurio. {@link #respond(Handler)} replaces that with canned answers, e.g. to
 * inject 5xx errors; {@link #hang()} gives a reply that never comes until the server is closed. Every request is
 * recorded.
 */
final class StubRegistry implements AutoCloseable {

    /** A recorded request. */
    record Request(String method, String path, String query, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    /** An answer. */
    record Reply(int status, String body) {}

    /** Produces the answer to a request. */
    interface Handler {
        Reply handle(Request request) throws Exception;
    }

    private static final Pattern VERSIONS = Pattern.compile("/subjects/([^/]+)/versions");
    private static final Pattern SUBJECT = Pattern.compile("/subjects/([^/]+)");
    private static final Pattern SCHEMA_BY_ID = Pattern.compile("/schemas/ids/(-?\\d+)");
    private static final Pattern CONFIG = Pattern.compile("/config(?:/([^/]+))?");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ObjectMapper json = new ObjectMapper();
    private volatile Handler handler = this::inMemory;

    // in-memory registry state
    private final Map<String, Integer> idsByText = new LinkedHashMap<>();
    private final Map<String, List<String>> textsBySubject = new LinkedHashMap<>();
    private final Map<String, String> compatibility = new LinkedHashMap<>();

    private StubRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::exchange);
        server.start();
    }

    static StubRegistry start() {
        try {
            return new StubRegistry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Base URL, as for {@code registry.url}. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7";
    }

    void respond(Handler replacement) {
        this.handler = replacement;
    }

    /** Restores the in-memory registry behaviour. */
    void behaveAsRegistry() {
        this.handler = this::inMemory;
    }

    /** Blocks the calling request thread until the server is closed; for timeout tests. */
    Reply hang() throws InterruptedException {
        closed.await(1, TimeUnit.MINUTES);
        return new Reply(500, "closed");
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    int requestCount() {
        return requests.size();
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void exchange(HttpExchange exchange) throws IOException {
        try (exchange) {
            String prefix = "/apis/ccompat/v7";
            String path = exchange.getRequestURI().getRawPath();
            path = path.startsWith(prefix) ? path.substring(prefix.length()) : path;
            Request request = new Request(
                    exchange.getRequestMethod(),
                    path,
                    exchange.getRequestURI().getRawQuery(),
                    Map.copyOf(exchange.getRequestHeaders()),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            requests.add(request);
            Reply reply;
            try {
                reply = handler.handle(request);
            } catch (Exception e) {
                reply = new Reply(500, "{\"error_code\":50001,\"message\":\"stub failure: " + e + "\"}");
            }
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", RegistryClient.CONTENT_TYPE);
            exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    private synchronized Reply inMemory(Request request) throws IOException {
        Matcher m;
        if (request.method().equals("POST") && (m = VERSIONS.matcher(request.path())).matches()) {
            String subject = decode(m.group(1));
            String text = json.readTree(request.body()).get("schema").asText();
            int id = idsByText.computeIfAbsent(text, t -> idsByText.size() + 1);
            List<String> texts = textsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
            if (!texts.contains(text)) {
                texts.add(text);
            }
            return new Reply(200, "{\"id\":" + id + "}");
        }
        if (request.method().equals("POST") && (m = SUBJECT.matcher(request.path())).matches()) {
            String subject = decode(m.group(1));
            String text = json.readTree(request.body()).get("schema").asText();
            List<String> texts = textsBySubject.get(subject);
            if (texts == null) {
                return new Reply(404, "{\"error_code\":40401,\"message\":\"Subject not found\"}");
            }
            if (!texts.contains(text)) {
                return new Reply(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
            }
            return new Reply(
                    200,
                    json.writeValueAsString(Map.of(
                            "subject",
                            subject,
                            "version",
                            texts.indexOf(text) + 1,
                            "id",
                            idsByText.get(text),
                            "schema",
                            text)));
        }
        if (request.method().equals("GET") && (m = SCHEMA_BY_ID.matcher(request.path())).matches()) {
            int id = Integer.parseInt(m.group(1));
            return idsByText.entrySet().stream()
                    .filter(e -> e.getValue() == id)
                    .findFirst()
                    .map(e -> new Reply(200, toJson(Map.of("schema", e.getKey()))))
                    .orElse(new Reply(404, "{\"error_code\":40403,\"message\":\"Schema " + id + " not found\"}"));
        }
        if (request.method().equals("GET") && request.path().equals("/subjects")) {
            return new Reply(200, toJson(List.copyOf(textsBySubject.keySet())));
        }
        if ((m = CONFIG.matcher(request.path())).matches()) {
            String key = m.group(1) == null ? "" : decode(m.group(1));
            if (request.method().equals("PUT")) {
                JsonNode body = json.readTree(request.body());
                compatibility.put(key, body.get("compatibility").asText());
                return new Reply(200, toJson(Map.of("compatibility", compatibility.get(key))));
            }
            String level = compatibility.getOrDefault(key, compatibility.getOrDefault("", "BACKWARD"));
            return new Reply(200, toJson(Map.of("compatibilityLevel", level)));
        }
        return new Reply(
                404, "{\"error_code\":404,\"message\":\"no route " + request.method() + " " + request.path() + "\"}");
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment, StandardCharsets.UTF_8);
    }
}

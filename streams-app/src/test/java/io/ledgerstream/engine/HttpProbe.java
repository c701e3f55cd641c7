package io.ledgerstream.engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Test helper: plain HTTP GETs against an engine's endpoints, and sums over Prometheus text. */
final class HttpProbe {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private HttpProbe() {}

    /** GET {@code http://address/rawPath}; {@code rawPath} is sent as is (already percent-encoded). */
    static HttpResponse<String> get(InetSocketAddress address, String rawPath) {
        URI uri = URI.create("http://" + address.getHostString() + ":" + address.getPort() + rawPath);
        try {
            return CLIENT.send(
                    HttpRequest.newBuilder(uri)
                            .timeout(Duration.ofSeconds(30))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + uri + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Sends {@code GET rawPath} over a plain socket, byte for byte (for paths {@link URI} refuses), and returns the
     * whole response.
     */
    static String rawGet(InetSocketAddress address, String rawPath) {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream()
                    .write(("GET " + rawPath + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("GET " + rawPath + " failed: " + e, e);
        }
    }

    /**
     * Sums the samples of a Prometheus metric whose labels contain every given {@code name="value"} pair (in any order).
     * Returns 0 when no sample matches.
     */
    static double sum(String prometheusText, String metric, String... labelPairs) {
        double total = 0;
        Pattern line = Pattern.compile("^" + Pattern.quote(metric) + "(\\{[^}]*\\})?\\s+(\\S+)", Pattern.MULTILINE);
        Matcher m = line.matcher(prometheusText);
        while (m.find()) {
            String labels = m.group(1) == null ? "" : m.group(1);
            boolean all = true;
            for (String pair : labelPairs) {
                all &= labels.contains(pair);
            }
            if (all) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }
}

package io.spikestream.stream.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spikestream.stream.health.HealthStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves {@code GET /metrics} (Prometheus text format) and the health endpoints with the JDK's HTTP
 * server on one daemon thread: {@code /health/live} (200 while the app can work without a restart),
 * {@code /health/ready} and {@code /health} (200 while it is processing with the broker in reach), 503
 * otherwise, each with the {@link HealthStatus} as a JSON object. Only GET is answered (405 otherwise,
 * 404 for any other path).
 */
public final class MetricsServer implements AutoCloseable {
    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    /** Binds {@code host:port} (port 0 picks a free one) and starts serving. */
    public static MetricsServer start(String host, int port, PrometheusMeterRegistry registry,
                                      Supplier<HealthStatus> health) {
        HttpServer s;
        try {
            s = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        s.createContext("/metrics", ex -> {
            if (checkRequest(ex, "/metrics")) {
                respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
            }
        });
        for (String path : new String[] {"/health", "/health/ready", "/health/live"}) {
            s.createContext(path, ex -> {
                if (checkRequest(ex, path)) {
                    HealthStatus h = health.get();
                    boolean up = path.equals("/health/live") ? h.live() : h.ready();
                    respond(ex, up ? 200 : 503, "application/json", h.toJsonText());
                }
            });
        }
        s.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "spikestream-metrics-http");
            t.setDaemon(true);
            return t;
        }));
        s.start();
        return new MetricsServer(s);
    }

    /** True for a GET of exactly {@code path}; otherwise answers 404 or 405 and returns false. */
    private static boolean checkRequest(HttpExchange ex, String path) throws IOException {
        if (!ex.getRequestURI().getPath().equals(path)) {
            respond(ex, 404, "text/plain", "not found\n");
            return false;
        }
        if (!"GET".equals(ex.getRequestMethod())) {
            ex.getResponseHeaders().set("Allow", "GET");
            respond(ex, 405, "text/plain", "GET only\n");
            return false;
        }
        return true;
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }
}

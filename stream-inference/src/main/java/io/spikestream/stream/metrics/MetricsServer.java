package io.spikestream.stream.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * Serves {@code GET /metrics} (Prometheus text format) and {@code GET /health} (200 "UP" while the
 * app is healthy, 503 "DOWN" otherwise) with the JDK's HTTP server on one daemon thread.
 */
public final class MetricsServer implements AutoCloseable {
    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    /** Binds {@code host:port} (port 0 picks a free one) and starts serving. */
    public static MetricsServer start(String host, int port, PrometheusMeterRegistry registry, BooleanSupplier healthy) {
        HttpServer s;
        try {
            s = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        s.createContext("/metrics", ex -> {
            if (!"GET".equals(ex.getRequestMethod())) {
                respond(ex, 405, "text/plain", "GET only\n");
                return;
            }
            respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
        });
        s.createContext("/health", ex -> {
            boolean up = healthy.getAsBoolean();
            respond(ex, up ? 200 : 503, "text/plain", up ? "UP\n" : "DOWN\n");
        });
        s.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "spikestream-metrics-http");
            t.setDaemon(true);
            return t;
        }));
        s.start();
        return new MetricsServer(s);
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

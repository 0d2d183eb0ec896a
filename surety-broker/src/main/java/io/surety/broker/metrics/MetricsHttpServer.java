package io.surety.broker.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The broker's HTTP listener for operators, on {@code metrics.port}:
 *
 * <ul>
 *   <li>{@code GET /metrics}: every series of the registry, in Prometheus text format (or
 *       OpenMetrics / protobuf when the scraper asks for it);</li>
 *   <li>{@code GET /health}: 200 while the process serves HTTP at all (liveness);</li>
 *   <li>{@code GET /ready}: 200 once log recovery is done and the Kafka listener accepts clients
 *       (and, on a cluster node, once it has joined the cluster: registered, unfenced, and its
 *       registration applied; the 503 body names what is missing), 503 before that and from the
 *       start of shutdown (readiness). The 200 body lists what needs
 *       an operator while the broker serves: offline partitions and unknown entries of the data
 *       directory ({@link BrokerHealth}); they never turn the answer into 503.</li>
 * </ul>
 *
 * <p>It starts before log recovery, so a slow recovery shows as "live, not ready" instead of as a
 * dead port. Threading: one daemon thread serves every exchange, one at a time; scrapes are rare
 * and short. {@link #close()} stops at once.
 */
public final class MetricsHttpServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds {@code host:port} and starts serving; {@code health} is asked at every {@code /ready}.
     *
     * @throws IOException naming the port when it cannot be bound
     */
    public static MetricsHttpServer start(String host, int port, PrometheusRegistry registry, Supplier<BrokerHealth> health)
            throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (BindException e) {
            throw new IOException("Could not bind metrics.port " + port + " on " + host + " (" + e.getMessage()
                    + "); choose another port, or 0 to turn the metrics listener off", e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "surety-metrics-http");
            thread.setDaemon(true);
            return thread;
        });
        MetricsHandler metrics = new MetricsHandler(registry);
        server.createContext("/metrics", exchange -> {
            if (exact(exchange, "/metrics")) {
                metrics.handle(exchange);
            }
        });
        server.createContext("/health", exchange -> {
            if (exact(exchange, "/health")) {
                reply(exchange, 200, "ok\n");
            }
        });
        server.createContext("/ready", exchange -> {
            if (exact(exchange, "/ready")) {
                BrokerHealth now = health.get();
                reply(exchange, now.started() ? 200 : 503, now.readyText());
            }
        });
        server.createContext("/", exchange -> reply(exchange, exact(exchange, "/") ? 200 : 404,
                "Surety broker: /metrics (Prometheus), /health (live), /ready (serving Kafka clients)\n"));
        server.setExecutor(executor);
        server.start();
        return new MetricsHttpServer(server, executor);
    }

    /** True if the path is exactly {@code path}; otherwise answers 404 (contexts match by prefix). */
    private static boolean exact(HttpExchange exchange, String path) throws IOException {
        if (exchange.getRequestURI().getPath().equals(path)) {
            return true;
        }
        if (!"/".equals(path)) {
            reply(exchange, 404, "not found\n");
        }
        return false;
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops listening at once; an exchange under way is cut. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

package io.captioner.streams.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations endpoint of the streams app, on the JDK's built-in HTTP server so that probes and
 * scrapes need no web framework:
 *
 * <ul>
 *   <li>{@code GET /health}: 200 {@code {"status":"UP"}} while the liveness check passes, else 503
 *       with {@code {"status":"DOWN","reason":...}} (orchestrators restart the process);
 *   <li>{@code GET /ready}: 200 {@code {"status":"READY"}} while the readiness check passes, else
 *       503 with {@code {"status":"NOT_READY","reason":...}} (traffic and rollouts wait);
 *   <li>{@code GET /metrics}: the {@link MetricsRegistry} in Prometheus text format 0.0.4;
 *   <li>{@code GET /model}: the loaded model's manifest as JSON, 404 {@code {"error":"no model
 *       loaded"}} while there is none.
 * </ul>
 *
 * <p>HEAD is answered like GET without a body; other methods get 405 with {@code Allow}, unknown
 * paths 404. A check or supplier that throws yields 503 (probes) or 500 (others) with the message,
 * and is logged. Requests run on a small bounded pool of daemon threads; when its queue is full the
 * server's dispatcher thread runs the request itself, which throttles accepting new connections
 * instead of queueing without bound. Build with {@link #builder()}, then {@link #start()}; {@link
 * #close()} stops the server and its threads.
 */
public final class OpsHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpsHttpServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_TYPE = "application/json";
    private static final String ALLOW = "GET, HEAD";
    private static final int QUEUE_CAPACITY = 32;

    private final InetSocketAddress bindAddress;
    private final int threads;
    private final MetricsRegistry metrics;
    private final Supplier<HealthStatus> liveness;
    private final Supplier<HealthStatus> readiness;
    private final Supplier<Optional<?>> model;

    private final Object lock = new Object();
    private HttpServer server;
    private ThreadPoolExecutor executor;
    private boolean closed;

    private OpsHttpServer(Builder b) {
        this.bindAddress = new InetSocketAddress(b.bindAddress, b.port);
        this.threads = b.threads;
        this.metrics = b.metrics;
        this.liveness = b.liveness;
        this.readiness = b.readiness;
        this.model = b.model;
    }

    /** Returns a builder; only the metrics registry is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the port and starts serving; returns this for chaining.
     *
     * @throws IOException if the port cannot be bound
     * @throws IllegalStateException if already started or closed
     */
    public OpsHttpServer start() throws IOException {
        synchronized (lock) {
            if (server != null || closed) {
                throw new IllegalStateException("ops server already started or closed");
            }
            HttpServer created = HttpServer.create(bindAddress, 0);
            ThreadPoolExecutor pool =
                    new ThreadPoolExecutor(
                            threads,
                            threads,
                            30,
                            TimeUnit.SECONDS,
                            new ArrayBlockingQueue<>(QUEUE_CAPACITY),
                            new DaemonThreads(),
                            new ThreadPoolExecutor.CallerRunsPolicy());
            pool.allowCoreThreadTimeOut(true);
            created.setExecutor(pool);
            created.createContext("/", this::handle);
            created.start();
            server = created;
            executor = pool;
            LOG.info("Ops endpoint listening on {}", created.getAddress());
            return this;
        }
    }

    /** The bound address, with the actual port when 0 was configured. */
    public InetSocketAddress address() {
        synchronized (lock) {
            if (server == null) {
                throw new IllegalStateException("ops server not started");
            }
            return server.getAddress();
        }
    }

    /** The bound port, with the actual port when 0 was configured. */
    public int port() {
        return address().getPort();
    }

    /**
     * Stops the server at once and then its threads; in-flight probes and scrapes are cut off,
     * which is harmless because they are idempotent and retried, whereas a grace period would delay
     * every shutdown (the JDK 17 server waits out the whole delay even when idle).
     */
    @Override
    public void close() {
        HttpServer toStop;
        ThreadPoolExecutor pool;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            toStop = server;
            pool = executor;
        }
        if (toStop != null) {
            toStop.stop(0);
        }
        if (pool != null) {
            pool.shutdown();
            try {
                if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                    pool.shutdownNow();
                }
            } catch (InterruptedException e) {
                pool.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    private void handle(HttpExchange exchange) {
        try {
            route(exchange);
        } catch (IOException e) {
            LOG.debug("Ops request {} aborted: {}", exchange.getRequestURI(), e.toString());
        } catch (RuntimeException e) {
            LOG.warn("Ops request {} failed", exchange.getRequestURI(), e);
            try {
                respondJson(exchange, 500, error("internal error: " + e));
            } catch (IOException | RuntimeException ignored) {
                // The response had already started; closing the exchange below is all we can do.
            }
        } finally {
            exchange.close();
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!path.equals("/health")
                && !path.equals("/ready")
                && !path.equals("/metrics")
                && !path.equals("/model")) {
            respondJson(exchange, 404, error("not found: " + path));
            return;
        }
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", ALLOW);
            respondJson(exchange, 405, error("method " + method + " not allowed on " + path));
            return;
        }
        switch (path) {
            case "/health":
                probe(exchange, liveness, "UP", "DOWN");
                break;
            case "/ready":
                probe(exchange, readiness, "READY", "NOT_READY");
                break;
            case "/metrics":
                respond(
                        exchange,
                        200,
                        MetricsRegistry.CONTENT_TYPE,
                        metrics.scrape().getBytes(StandardCharsets.UTF_8));
                break;
            default:
                model(exchange);
                break;
        }
    }

    private static void probe(
            HttpExchange exchange, Supplier<HealthStatus> check, String upWord, String downWord)
            throws IOException {
        HealthStatus status;
        try {
            status = Objects.requireNonNull(check.get(), "check returned null");
        } catch (RuntimeException e) {
            LOG.warn("Check for {} threw", exchange.getRequestURI().getPath(), e);
            status = HealthStatus.down("check failed: " + e);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status.isUp() ? upWord : downWord);
        if (!status.isUp()) {
            body.put("reason", status.reason());
        }
        respondJson(exchange, status.isUp() ? 200 : 503, body);
    }

    private void model(HttpExchange exchange) throws IOException {
        Optional<?> manifest = model.get();
        if (manifest == null || manifest.isEmpty()) {
            respondJson(exchange, 404, error("no model loaded"));
            return;
        }
        respondJson(exchange, 200, manifest.get());
    }

    private static Map<String, Object> error(String message) {
        return Map.of("error", message);
    }

    private static void respondJson(HttpExchange exchange, int status, Object body)
            throws IOException {
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            // Not an I/O failure of the exchange: report it to the caller as a server error.
            throw new IllegalStateException("cannot render JSON: " + e.getOriginalMessage(), e);
        }
        respond(exchange, status, JSON_TYPE, json);
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Names the request threads so thread dumps show where they belong. */
    private static final class DaemonThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "captioner-ops-http-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }

    /** Configures an {@link OpsHttpServer}. */
    public static final class Builder {
        private InetAddress bindAddress = new InetSocketAddress(0).getAddress();
        private int port = 8081;
        private int threads = 2;
        private MetricsRegistry metrics;
        private Supplier<HealthStatus> liveness = HealthStatus::up;
        private Supplier<HealthStatus> readiness = HealthStatus::up;
        private Supplier<Optional<?>> model = Optional::empty;

        private Builder() {}

        /** The registry served at {@code /metrics} (required). */
        public Builder setMetrics(MetricsRegistry metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /** Address to bind (default: all interfaces, so container probes can reach it). */
        public Builder optBindAddress(InetAddress address) {
            this.bindAddress = Objects.requireNonNull(address, "address");
            return this;
        }

        /** TCP port (default 8081); 0 picks a free port, see {@link OpsHttpServer#port()}. */
        public Builder optPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in 0..65535: " + port);
            }
            this.port = port;
            return this;
        }

        /** Number of request threads (default 2). */
        public Builder optThreads(int threads) {
            if (threads < 1 || threads > 64) {
                throw new IllegalArgumentException("threads must be in 1..64: " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Liveness check behind {@code /health} (default: always up). */
        public Builder optLiveness(Supplier<HealthStatus> check) {
            this.liveness = Objects.requireNonNull(check, "check");
            return this;
        }

        /** Liveness as a plain boolean; down reads "not alive". */
        public Builder optLivenessCheck(BooleanSupplier alive) {
            Objects.requireNonNull(alive, "alive");
            return optLiveness(
                    () ->
                            alive.getAsBoolean()
                                    ? HealthStatus.up()
                                    : HealthStatus.down("not alive"));
        }

        /** Readiness check behind {@code /ready} (default: always ready). */
        public Builder optReadiness(Supplier<HealthStatus> check) {
            this.readiness = Objects.requireNonNull(check, "check");
            return this;
        }

        /** Readiness as a plain boolean; not ready reads "not ready". */
        public Builder optReadinessCheck(BooleanSupplier ready) {
            Objects.requireNonNull(ready, "ready");
            return optReadiness(
                    () ->
                            ready.getAsBoolean()
                                    ? HealthStatus.up()
                                    : HealthStatus.down("not ready"));
        }

        /**
         * Supplier of the loaded model's manifest served at {@code /model} (a {@code Map} or
         * Jackson {@code JsonNode}, anything Jackson serialises); empty means no model (404).
         */
        public Builder optModelManifest(Supplier<Optional<?>> manifest) {
            this.model = Objects.requireNonNull(manifest, "manifest");
            return this;
        }

        /**
         * Validates the configuration; the server binds only on {@link OpsHttpServer#start()}.
         *
         * @throws IllegalStateException if no metrics registry was set
         */
        public OpsHttpServer build() {
            if (metrics == null) {
                throw new IllegalStateException("setMetrics(...) is required");
            }
            return new OpsHttpServer(this);
        }
    }
}

package io.captioner.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations endpoint every captioner service serves, on the JDK's built-in HTTP server so that
 * probes and scrapes need no web framework:
 *
 * <ul>
 *   <li>{@code GET /health}: 200 {@code {"status":"UP"}} while the liveness check passes, else 503
 *       with {@code {"status":"DOWN","reason":...}} (orchestrators restart the process);
 *   <li>{@code GET /ready}: 200 {@code {"status":"READY"}} while the readiness check passes, else
 *       503 with {@code {"status":"NOT_READY","reason":...}} (traffic and rollouts wait);
 *   <li>{@code GET /metrics}: Micrometer's {@link PrometheusMeterRegistry#scrape()} in the
 *       Prometheus text format 0.0.4;
 *   <li>whatever the service registers: read-only {@link OpsEndpoint}s (JSON such as {@code /model}
 *       or {@code /status}), static resources (an HTML page and its scripts), and raw JDK {@link
 *       HttpHandler}s for what needs the exchange itself (an event stream, a POST).
 * </ul>
 *
 * <p>Paths match exactly (no prefixes). Endpoints and resources answer GET and HEAD (HEAD without a
 * body); other methods get 405 with {@code Allow}, unknown paths 404, all errors as {@code
 * {"error":...}}. An endpoint or check that throws yields 500 (503 for probes) and is logged.
 * Requests run on a small bounded pool of daemon threads; when its queue is full the server's
 * dispatcher thread runs the request itself, which throttles accepting connections instead of
 * queueing without bound. A long-lived raw handler (an event stream) holds a request thread for as
 * long as it streams: size {@link Builder#optThreads} for it. Build with {@link #builder()}, then
 * {@link #start()}; {@link #close()} stops the server and its threads.
 */
public final class OpsServer implements AutoCloseable {

    /** The Content-Type of {@code /metrics}: Prometheus text exposition format 0.0.4. */
    public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    /** Paths every ops server serves itself. */
    public static final Set<String> RESERVED_PATHS = Set.of("/health", "/ready", "/metrics");

    private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);
    private static final String ALLOW = "GET, HEAD";
    private static final int QUEUE_CAPACITY = 32;

    private final String host;
    private final int port;
    private final int threads;
    private final Map<String, HttpHandler> routes;

    private final Object lock = new Object();
    private HttpServer server;
    private ThreadPoolExecutor executor;
    private boolean closed;

    private OpsServer(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.threads = b.threads;
        Map<String, HttpHandler> all = new LinkedHashMap<>();
        all.put("/health", endpoint(probe(b.liveness, "UP", "DOWN")));
        all.put("/ready", endpoint(probe(b.readiness, "READY", "NOT_READY")));
        PrometheusMeterRegistry registry = b.registry;
        all.put(
                "/metrics",
                endpoint(request -> OpsResponse.text(200, PROMETHEUS_TEXT, registry.scrape())));
        all.putAll(b.routes);
        this.routes = Map.copyOf(all);
    }

    /** Returns a builder; the metrics registry and the port are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the address and starts serving; returns this for chaining.
     *
     * @throws IOException if the host cannot be resolved or the port cannot be bound
     * @throws IllegalStateException if already started or closed
     */
    public OpsServer start() throws IOException {
        synchronized (lock) {
            if (server != null || closed) {
                throw new IllegalStateException("ops server already started or closed");
            }
            InetSocketAddress address;
            try {
                address = new InetSocketAddress(InetAddress.getByName(host), port);
            } catch (UnknownHostException e) {
                throw new IOException("cannot resolve the ops endpoint's bind address " + host, e);
            }
            HttpServer created;
            try {
                created = HttpServer.create(address, 0);
            } catch (IOException e) {
                throw new IOException(
                        "cannot listen on " + host + ":" + port + " for the ops endpoint: " + e, e);
            }
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
            HttpHandler route = routes.get(exchange.getRequestURI().getPath());
            if (route == null) {
                send(
                        exchange,
                        OpsResponse.error(404, "not found: " + exchange.getRequestURI().getPath()));
            } else {
                route.handle(exchange);
            }
        } catch (IOException e) {
            LOG.debug("Ops request {} aborted: {}", exchange.getRequestURI(), e.toString());
        } catch (RuntimeException e) {
            LOG.warn("Ops request {} failed", exchange.getRequestURI(), e);
            // -1 means nothing was sent yet, so a clean 500 is still possible.
            if (exchange.getResponseCode() == -1) {
                try {
                    send(exchange, OpsResponse.error(500, "internal error: " + e));
                } catch (IOException | RuntimeException ignored) {
                    // The client went away; closing the exchange below is all we can do.
                }
            }
        } finally {
            exchange.close();
        }
    }

    /** Adapts a read-only endpoint: GET and HEAD only, the answer computed before it is sent. */
    private static HttpHandler endpoint(OpsEndpoint endpoint) {
        return exchange -> {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", ALLOW);
                send(
                        exchange,
                        OpsResponse.error(
                                405,
                                "method "
                                        + method
                                        + " not allowed on "
                                        + exchange.getRequestURI().getPath()));
                return;
            }
            OpsResponse response =
                    Objects.requireNonNull(
                            endpoint.handle(OpsRequest.of(exchange)), "endpoint returned null");
            send(exchange, response);
        };
    }

    private static OpsEndpoint probe(HealthCheck check, String upWord, String downWord) {
        return request -> {
            HealthStatus status = HealthCheck.evaluate(check);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", status.isUp() ? upWord : downWord);
            if (!status.isUp()) {
                body.put("reason", status.reason());
            }
            return OpsResponse.json(status.isUp() ? 200 : 503, body);
        };
    }

    private static void send(HttpExchange exchange, OpsResponse response) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        byte[] body = response.bodyUnsafe();
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(response.status(), -1);
            return;
        }
        exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
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

    /** Configures an {@link OpsServer}: {@code setX} is required, {@code optX} is not. */
    public static final class Builder {
        private PrometheusMeterRegistry registry;
        private String host = "0.0.0.0";
        private int port = -1;
        private int threads = 4;
        private HealthCheck liveness = HealthCheck.ALWAYS_UP;
        private HealthCheck readiness = HealthCheck.ALWAYS_UP;
        private final Map<String, HttpHandler> routes = new LinkedHashMap<>();

        private Builder() {}

        /** The registry scraped at {@code /metrics}, usually {@link ServiceMetrics#registry()}. */
        public Builder setMetrics(PrometheusMeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** TCP port; 0 picks a free port, see {@link OpsServer#port()}. */
        public Builder setPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in 0..65535: " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Host name or IP address to bind, resolved at {@link OpsServer#start()} (default {@code
         * 0.0.0.0}, every interface, so that container probes and Prometheus can reach it; {@code
         * 127.0.0.1} keeps it on the machine).
         */
        public Builder optBindAddress(String host) {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("bind address must not be blank");
            }
            this.host = host.trim();
            return this;
        }

        /** Number of request threads (default 4). */
        public Builder optThreads(int threads) {
            if (threads < 1 || threads > 64) {
                throw new IllegalArgumentException("threads must be in 1..64: " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Liveness check behind {@code /health} (default: always up). */
        public Builder optLiveness(HealthCheck check) {
            this.liveness = Objects.requireNonNull(check, "check");
            return this;
        }

        /** Readiness check behind {@code /ready} (default: always ready). */
        public Builder optReadiness(HealthCheck check) {
            this.readiness = Objects.requireNonNull(check, "check");
            return this;
        }

        /**
         * Serves {@code endpoint} at {@code path} for GET and HEAD, e.g. {@code /model} answering
         * {@link OpsResponse#json} or {@code OpsResponse.error(404, "no model loaded")}.
         *
         * @throws IllegalArgumentException if the path is malformed, reserved or already taken
         */
        public Builder optEndpoint(String path, OpsEndpoint endpoint) {
            Objects.requireNonNull(endpoint, "endpoint");
            return route(path, endpoint(endpoint));
        }

        /**
         * Serves the JSON rendering of what {@code body} supplies at {@code path}, e.g. the
         * training service's {@code /status}; shorthand for an {@link #optEndpoint} that always
         * answers 200.
         */
        public Builder optJson(String path, Supplier<?> body) {
            Objects.requireNonNull(body, "body");
            return optEndpoint(path, request -> OpsResponse.json(body.get()));
        }

        /**
         * Serves a static resource (an HTML page, a script, a stylesheet) at {@code path}, read
         * once now, e.g. {@code optResource("/", MyService.class.getResource("ui/index.html"),
         * "text/html; charset=utf-8")}.
         *
         * @throws IllegalArgumentException if {@code resource} is null (not on the classpath)
         * @throws UncheckedIOException if it cannot be read
         */
        public Builder optResource(String path, URL resource, String contentType) {
            Objects.requireNonNull(contentType, "contentType");
            if (resource == null) {
                throw new IllegalArgumentException("resource for " + path + " not found");
            }
            byte[] bytes;
            try (InputStream in = resource.openStream()) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + resource, e);
            }
            OpsResponse page = OpsResponse.bytes(200, contentType, bytes);
            return optEndpoint(path, request -> page);
        }

        /**
         * Hands every request for {@code path} (any method) to a JDK handler that writes the
         * response itself, e.g. a {@code text/event-stream} of live events or a POST. The server
         * closes the exchange when the handler returns, and answers 500 if it throws before sending
         * headers.
         */
        public Builder optHandler(String path, HttpHandler handler) {
            Objects.requireNonNull(handler, "handler");
            return route(path, handler);
        }

        private Builder route(String path, HttpHandler handler) {
            Objects.requireNonNull(path, "path");
            if (!path.startsWith("/") || path.contains("?") || path.contains("#")) {
                throw new IllegalArgumentException(
                        "path must start with / and have no query or fragment: " + path);
            }
            if (RESERVED_PATHS.contains(path)) {
                throw new IllegalArgumentException(path + " is served by the ops server itself");
            }
            if (routes.putIfAbsent(path, handler) != null) {
                throw new IllegalArgumentException(path + " is already registered");
            }
            return this;
        }

        /**
         * Validates the configuration; the server binds only on {@link OpsServer#start()}.
         *
         * @throws IllegalStateException if the metrics registry or the port is missing
         */
        public OpsServer build() {
            if (registry == null) {
                throw new IllegalStateException("setMetrics(...) is required");
            }
            if (port < 0) {
                throw new IllegalStateException("setPort(...) is required (0 picks a free port)");
            }
            return new OpsServer(this);
        }
    }
}

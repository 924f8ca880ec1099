package io.captioner.cli.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.captioner.ops.OpsResponse;
import io.captioner.ops.OpsServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live page's HTTP side on an {@link OpsServer}: {@code /} (the page), {@code /app.js}, {@code
 * /state} (a JSON snapshot), {@code /events} (Server-Sent Events: a {@code snapshot} event, then
 * one event per caption, dead letter, activation, version or training run) and {@code
 * /thumbnail?id=ID} (JPEG). It reads only the {@link LiveState} and {@link Thumbnails}; the feed
 * fills them.
 */
public final class LivePage implements AutoCloseable {

    /** Seconds between keep-alive comments on an idle event stream. */
    static final long KEEPALIVE_SECONDS = 10;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HTML = "text/html; charset=utf-8";
    private static final String JS = "text/javascript; charset=utf-8";

    private final LiveState state;
    private final Thumbnails thumbnails;
    private final int maxStreams;
    private final AtomicInteger streams = new AtomicInteger();
    private final OpsServer server;
    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /**
     * Configures the page on {@code bind}:{@code port} (0 picks a free port) for at most {@code
     * maxStreams} open event streams; {@link #start()} binds it.
     */
    public LivePage(LiveState state, Thumbnails thumbnails, String bind, int port, int maxStreams) {
        this.state = state;
        this.thumbnails = thumbnails;
        this.maxStreams = maxStreams;
        this.server =
                OpsServer.builder()
                        .setMetrics(registry)
                        .setPort(port)
                        .optBindAddress(bind)
                        // Every open event stream holds a request thread; four more serve the rest.
                        .optThreads(maxStreams + 4)
                        .optResource("/", LivePage.class.getResource("index.html"), HTML)
                        .optResource("/app.js", LivePage.class.getResource("app.js"), JS)
                        .optJson("/state", state::snapshot)
                        .optEndpoint("/thumbnail", request -> thumbnail(request.query("id")))
                        .optHandler("/events", this::events)
                        .build();
    }

    /** Binds and serves; returns this. */
    public LivePage start() throws IOException {
        server.start();
        return this;
    }

    /** The bound port. */
    public int port() {
        return server.port();
    }

    private OpsResponse thumbnail(Optional<String> id) {
        if (id.isEmpty()) {
            return OpsResponse.error(400, "query parameter id is required");
        }
        return thumbnails
                .get(id.get())
                .map(jpeg -> OpsResponse.bytes(200, "image/jpeg", jpeg))
                .orElseGet(() -> OpsResponse.error(404, "no recent image " + id.get()));
    }

    /** One event stream: the snapshot, then live events and keep-alives until either side ends. */
    private void events(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("GET")) {
            exchange.getResponseHeaders().set("Allow", "GET");
            exchange.sendResponseHeaders(405, -1);
            return;
        }
        if (streams.incrementAndGet() > maxStreams) {
            streams.decrementAndGet();
            byte[] body =
                    "{\"error\":\"too many open event streams\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", OpsResponse.JSON);
            exchange.getResponseHeaders().set("Retry-After", "5");
            exchange.sendResponseHeaders(503, body.length);
            exchange.getResponseBody().write(body);
            return;
        }
        try (LiveState.Subscription subscription = state.subscribe()) {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            // Subscribed before the snapshot is taken, so no event falls between the two; the page
            // ignores a caption it already shows.
            send(out, state.snapshot());
            while (!subscription.ended()) {
                ObjectNode event = subscription.next(KEEPALIVE_SECONDS, TimeUnit.SECONDS);
                if (event != null) {
                    send(out, event);
                } else if (!subscription.ended()) {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            streams.decrementAndGet();
        }
    }

    private static void send(OutputStream out, ObjectNode event) throws IOException {
        String frame =
                "event: "
                        + event.path("type").asText()
                        + "\ndata: "
                        + JSON.writeValueAsString(event)
                        + "\n\n";
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Ends the open event streams, then stops the server. */
    @Override
    public void close() {
        state.close();
        // Let the streams' handlers return and end their responses cleanly before the server
        // stops, which would cut them off mid-stream.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (streams.get() > 0 && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        server.close();
        registry.close();
    }
}

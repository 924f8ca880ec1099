package io.captioner.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ops server over real HTTP on the loopback interface. */
class OpsServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicBoolean alive = new AtomicBoolean(true);
    private final AtomicReference<HealthStatus> readiness =
            new AtomicReference<>(HealthStatus.down("waiting for partition assignment"));
    private final AtomicReference<Map<String, Object>> manifest = new AtomicReference<>();
    private OpsServer server;

    @BeforeEach
    void start() throws IOException {
        server =
                loopback()
                        .optLiveness(HealthCheck.of(alive::get, "stream thread died"))
                        .optReadiness(readiness::get)
                        .optEndpoint(
                                "/model",
                                request ->
                                        manifest.get() == null
                                                ? OpsResponse.error(404, "no model loaded")
                                                : OpsResponse.json(manifest.get()))
                        .optJson("/status", () -> Map.of("phase", "TRAINING", "epoch", 3))
                        .optResource(
                                "/",
                                OpsServerTest.class.getResource("page.html"),
                                "text/html; charset=utf-8")
                        .optHandler(
                                "/events",
                                exchange -> {
                                    exchange.getResponseHeaders()
                                            .set("Content-Type", "text/event-stream");
                                    exchange.sendResponseHeaders(200, 0);
                                    try (OutputStream out = exchange.getResponseBody()) {
                                        for (int i = 1; i <= 2; i++) {
                                            out.write(
                                                    ("data: caption " + i + "\n\n")
                                                            .getBytes(StandardCharsets.UTF_8));
                                            out.flush();
                                        }
                                    }
                                })
                        .build()
                        .start();
    }

    @AfterEach
    void stop() {
        server.close();
        registry.close();
    }

    private OpsServer.Builder loopback() {
        return OpsServer.builder().setMetrics(registry).optBindAddress("127.0.0.1").setPort(0);
    }

    private HttpResponse<String> send(OpsServer target, String method, String path)
            throws Exception {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port() + path))
                        .timeout(Duration.ofSeconds(10))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(server, "GET", path);
    }

    @Test
    void shouldBindAnEphemeralPortOnTheConfiguredAddressWhenZeroIsConfigured() {
        assertThat(server.port()).isPositive();
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void shouldReportHealthWhileAliveAnd503WithTheReasonOtherwise() throws Exception {
        HttpResponse<String> up = get("/health");
        alive.set(false);
        HttpResponse<String> down = get("/health");

        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(up.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(JSON.readTree(up.body()).get("status").asText()).isEqualTo("UP");
        assertThat(JSON.readTree(up.body()).has("reason")).isFalse();
        assertThat(down.statusCode()).isEqualTo(503);
        JsonNode body = JSON.readTree(down.body());
        assertThat(body.get("status").asText()).isEqualTo("DOWN");
        assertThat(body.get("reason").asText()).isEqualTo("stream thread died");
    }

    @Test
    void shouldFlipReadinessWithTheCheck() throws Exception {
        HttpResponse<String> before = get("/ready");
        readiness.set(HealthStatus.up());
        HttpResponse<String> after = get("/ready");
        readiness.set(HealthStatus.down("model reloading"));
        HttpResponse<String> again = get("/ready");

        assertThat(before.statusCode()).isEqualTo(503);
        JsonNode reason = JSON.readTree(before.body());
        assertThat(reason.get("status").asText()).isEqualTo("NOT_READY");
        assertThat(reason.get("reason").asText()).isEqualTo("waiting for partition assignment");
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(after.body()).get("status").asText()).isEqualTo("READY");
        assertThat(again.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(again.body()).get("reason").asText()).isEqualTo("model reloading");
    }

    @Test
    void shouldAnswer503WhenTheReadinessCheckIsBroken() throws Exception {
        readiness.set(null); // the check returns no status

        HttpResponse<String> response = get("/ready");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(response.body()).get("reason").asText()).contains("check failed");
    }

    @Test
    void shouldServeMicrometersPrometheusScrapeWithItsContentType() throws Exception {
        Counter.builder("captioner.captions")
                .description("Captions produced.")
                .register(registry)
                .increment(2);

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValue(PrometheusTextFormatWriter.CONTENT_TYPE)
                .hasValue(OpsServer.PROMETHEUS_TEXT);
        assertThat(response.body())
                .isEqualTo(registry.scrape())
                .contains("# TYPE captioner_captions_total counter\n")
                .contains("\ncaptioner_captions_total 2.0\n");
    }

    @Test
    void shouldServeARegisteredEndpointAndItsOwnErrors() throws Exception {
        HttpResponse<String> none = get("/model");
        manifest.set(Map.of("name", "resnet50-lstm", "version", 7, "vocabSize", 8852));
        HttpResponse<String> loaded = get("/model");

        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(none.body()).get("error").asText()).isEqualTo("no model loaded");
        assertThat(loaded.statusCode()).isEqualTo(200);
        assertThat(loaded.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = JSON.readTree(loaded.body());
        assertThat(body.get("name").asText()).isEqualTo("resnet50-lstm");
        assertThat(body.get("version").asInt()).isEqualTo(7);
        assertThat(body.get("vocabSize").asInt()).isEqualTo(8852);
    }

    @Test
    void shouldServeJsonSuppliersPagesAndStreamingHandlers() throws Exception {
        HttpResponse<String> status = get("/status");
        HttpResponse<String> page = get("/");
        HttpResponse<String> events = get("/events");

        assertThat(JSON.readTree(status.body()).get("phase").asText()).isEqualTo("TRAINING");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<title>ops test page</title>");
        assertThat(events.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        assertThat(events.body()).isEqualTo("data: caption 1\n\ndata: caption 2\n\n");
    }

    @Test
    void shouldAnswer404ForUnknownPathsIncludingPrefixesOfKnownOnes() throws Exception {
        for (String path :
                new String[] {"/nope", "/healthz", "/health/x", "/metrics2", "/model/"}) {
            HttpResponse<String> response = get(path);

            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(JSON.readTree(response.body()).get("error").asText())
                    .isEqualTo("not found: " + path);
        }
    }

    @Test
    void shouldAnswer405ForOtherMethodsOnReadOnlyPaths() throws Exception {
        for (String path : new String[] {"/metrics", "/model", "/"}) {
            HttpResponse<String> response = send(server, "POST", path);

            assertThat(response.statusCode()).as(path).isEqualTo(405);
            assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD");
        }
    }

    @Test
    void shouldAnswerHeadWithoutBody() throws Exception {
        HttpResponse<String> response = send(server, "HEAD", "/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void shouldAnswer500WhenAnEndpointThrowsOrItsBodyCannotBeRendered() throws Exception {
        try (OpsServer broken =
                loopback()
                        .optEndpoint(
                                "/model",
                                request -> {
                                    throw new IllegalStateException("registry unreachable");
                                })
                        .optJson("/odd", Object::new)
                        .build()
                        .start()) {
            HttpResponse<String> thrown = send(broken, "GET", "/model");
            HttpResponse<String> unrenderable = send(broken, "GET", "/odd");

            assertThat(thrown.statusCode()).isEqualTo(500);
            assertThat(JSON.readTree(thrown.body()).get("error").asText())
                    .contains("registry unreachable");
            assertThat(unrenderable.statusCode()).isEqualTo(500);
            assertThat(unrenderable.body()).contains("cannot render JSON");
        }
    }

    @Test
    void shouldReleaseThePortOnClose() throws Exception {
        int port = server.port();
        server.close();

        assertThatThrownBy(() -> get("/health")).isInstanceOf(IOException.class);
        try (OpsServer again = loopback().setPort(port).build().start()) {
            assertThat(again.port()).isEqualTo(port);
        }
    }

    @Test
    void shouldSayWhichAddressCannotBeBound() {
        OpsServer clash = loopback().setPort(server.port()).build();

        assertThatThrownBy(clash::start)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("127.0.0.1:" + server.port());
    }

    @Test
    void shouldSayWhichBindAddressCannotBeResolved() {
        OpsServer nowhere = loopback().optBindAddress("no-such-host.invalid").build();

        assertThatThrownBy(nowhere::start)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no-such-host.invalid");
    }

    @Test
    void shouldValidateTheConfigurationInBuild() {
        assertThatThrownBy(() -> OpsServer.builder().setPort(0).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("setMetrics");
        assertThatThrownBy(() -> OpsServer.builder().setMetrics(registry).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("setPort");
        assertThatThrownBy(() -> loopback().optJson("/metrics", Map::of))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> loopback().optJson("/a", Map::of).optJson("/a", Map::of))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already registered");
        assertThatThrownBy(() -> loopback().optJson("status", Map::of))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> loopback().optResource("/x", null, "text/html"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/x");
        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
    }
}

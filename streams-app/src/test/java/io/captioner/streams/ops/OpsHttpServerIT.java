package io.captioner.streams.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ops endpoint over real HTTP on the loopback interface. */
class OpsHttpServerIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final MetricsRegistry metrics = new MetricsRegistry();
    private final AtomicBoolean alive = new AtomicBoolean(true);
    private final AtomicReference<HealthStatus> readiness =
            new AtomicReference<>(HealthStatus.down("waiting for partition assignment"));
    private final AtomicReference<Map<String, Object>> manifest = new AtomicReference<>();
    private OpsHttpServer server;

    @BeforeEach
    void start() throws IOException {
        server =
                OpsHttpServer.builder()
                        .setMetrics(metrics)
                        .optBindAddress(InetAddress.getLoopbackAddress())
                        .optPort(0)
                        .optLivenessCheck(alive::get)
                        .optReadiness(readiness::get)
                        .optModelManifest(() -> Optional.ofNullable(manifest.get()))
                        .build()
                        .start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .timeout(Duration.ofSeconds(10))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send("GET", path);
    }

    @Test
    void shouldBindAnEphemeralPortWhenZeroIsConfigured() {
        assertThat(server.port()).isPositive();
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void shouldReportHealthWhileAliveAnd503Otherwise() throws Exception {
        HttpResponse<String> up = get("/health");
        alive.set(false);
        HttpResponse<String> down = get("/health");

        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(up.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(JSON.readTree(up.body()).get("status").asText()).isEqualTo("UP");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(down.body()).get("status").asText()).isEqualTo("DOWN");
    }

    @Test
    void shouldFlipReadinessWithTheStatusSupplier() throws Exception {
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
    void shouldAnswer503WhenReadinessCheckThrows() throws Exception {
        readiness.set(null); // the server treats a null status as a broken check

        HttpResponse<String> response = get("/ready");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(response.body()).get("reason").asText()).contains("check failed");
    }

    @Test
    void shouldServeMetricsInPrometheusTextFormat() throws Exception {
        metrics.counter("captioner_captions_total", "Captions produced.").inc(2);
        metrics.gauge("captioner_model_info", "Loaded model.", "name", "version")
                .labels("resnet50-lstm", "7")
                .set(1);
        metrics.histogram("captioner_batch_size", "Images per batch.", new double[] {1, 4})
                .observe(3);

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body())
                .isEqualTo(
                        "# HELP captioner_captions_total Captions produced.\n"
                                + "# TYPE captioner_captions_total counter\n"
                                + "captioner_captions_total 2\n"
                                + "# HELP captioner_model_info Loaded model.\n"
                                + "# TYPE captioner_model_info gauge\n"
                                + "captioner_model_info{name=\"resnet50-lstm\",version=\"7\"} 1\n"
                                + "# HELP captioner_batch_size Images per batch.\n"
                                + "# TYPE captioner_batch_size histogram\n"
                                + "captioner_batch_size_bucket{le=\"1\"} 0\n"
                                + "captioner_batch_size_bucket{le=\"4\"} 1\n"
                                + "captioner_batch_size_bucket{le=\"+Inf\"} 1\n"
                                + "captioner_batch_size_sum 3\n"
                                + "captioner_batch_size_count 1\n");
    }

    @Test
    void shouldServeModelManifestOr404() throws Exception {
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
    void shouldAnswer404ForUnknownPathsIncludingPrefixesOfKnownOnes() throws Exception {
        for (String path : new String[] {"/", "/nope", "/healthz", "/health/x", "/metrics2"}) {
            HttpResponse<String> response = get(path);

            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(JSON.readTree(response.body()).get("error").asText())
                    .isEqualTo("not found: " + path);
        }
    }

    @Test
    void shouldAnswer405ForOtherMethods() throws Exception {
        for (String method : new String[] {"POST", "PUT", "DELETE"}) {
            HttpResponse<String> response = send(method, "/metrics");

            assertThat(response.statusCode()).as(method).isEqualTo(405);
            assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD");
        }
    }

    @Test
    void shouldAnswerHeadWithoutBody() throws Exception {
        HttpResponse<String> response = send("HEAD", "/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void shouldAnswer500WhenModelSupplierThrows() throws Exception {
        try (OpsHttpServer broken =
                OpsHttpServer.builder()
                        .setMetrics(metrics)
                        .optBindAddress(InetAddress.getLoopbackAddress())
                        .optPort(0)
                        .optModelManifest(
                                () -> {
                                    throw new IllegalStateException("registry unreachable");
                                })
                        .build()
                        .start()) {
            HttpResponse<String> response =
                    client.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    "http://127.0.0.1:" + broken.port() + "/model"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.body()).contains("registry unreachable");
        }
    }

    @Test
    void shouldAnswer500WhenManifestCannotBeRenderedAsJson() throws Exception {
        try (OpsHttpServer odd =
                OpsHttpServer.builder()
                        .setMetrics(metrics)
                        .optBindAddress(InetAddress.getLoopbackAddress())
                        .optPort(0)
                        .optModelManifest(() -> Optional.of(new Object()))
                        .build()
                        .start()) {
            HttpResponse<String> response =
                    client.send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + odd.port() + "/model"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.body()).contains("cannot render JSON");
        }
    }

    @Test
    void shouldReleaseThePortOnClose() throws Exception {
        int port = server.port();
        server.close();

        assertThatThrownBy(() -> get("/health")).isInstanceOf(IOException.class);
        try (OpsHttpServer again =
                OpsHttpServer.builder()
                        .setMetrics(metrics)
                        .optBindAddress(InetAddress.getLoopbackAddress())
                        .optPort(port)
                        .build()
                        .start()) {
            assertThat(again.port()).isEqualTo(port);
        }
    }

    @Test
    void shouldRequireMetricsAndRefuseSecondStart() {
        assertThatThrownBy(() -> OpsHttpServer.builder().build())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
    }
}

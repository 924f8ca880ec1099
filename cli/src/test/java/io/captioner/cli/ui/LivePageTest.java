package io.captioner.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.captioner.events.CaptionEvent;
import io.captioner.schemas.Fixtures;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The page's HTTP side on a real server and a real HTTP client; no Kafka. */
class LivePageTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private LiveState state;
    private Thumbnails thumbnails;
    private LivePage page;
    private String base;

    @BeforeEach
    void start() throws Exception {
        state = new LiveState(10, 10, 10);
        thumbnails = new Thumbnails(10);
        page = new LivePage(state, thumbnails, "127.0.0.1", 0, 1).start();
        base = "http://127.0.0.1:" + page.port();
    }

    @AfterEach
    void stop() {
        page.close();
    }

    @Test
    void shouldServeThePageAndItsScriptWithoutAnythingFromElsewhere() throws Exception {
        HttpResponse<String> html = get("/");
        HttpResponse<String> js = get("/app.js");

        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(html.body()).contains("<script src=\"/app.js\"></script>");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.body()).contains("new EventSource(\"/events\")");
        // No build step, no CDN: nothing is loaded from another origin.
        assertThat(html.body() + js.body()).doesNotContain("http://").doesNotContain("https://");
    }

    @Test
    void shouldServeRecentThumbnailsAndSay404ForOthers() throws Exception {
        thumbnails.add("img 1", ThumbnailsTest.png(40, 40));

        HttpResponse<byte[]> hit =
                http.send(
                        HttpRequest.newBuilder(URI.create(base + "/thumbnail?id=img+1")).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<String> miss = get("/thumbnail?id=other");
        HttpResponse<String> none = get("/thumbnail");

        assertThat(hit.statusCode()).isEqualTo(200);
        assertThat(hit.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(hit.body()).isEqualTo(thumbnails.get("img 1").orElseThrow());
        assertThat(miss.statusCode()).isEqualTo(404);
        assertThat(none.statusCode()).isEqualTo(400);
    }

    @Test
    void shouldStreamASnapshotThenEachNewEventAndRefuseStreamsBeyondTheLimit() throws Exception {
        state.accept(caption("old"));
        HttpResponse<InputStream> stream =
                http.send(
                        HttpRequest.newBuilder(URI.create(base + "/events")).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type"))
                .hasValue("text/event-stream; charset=utf-8");
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            List<String> first = frame(lines);
            assertThat(first.get(0)).isEqualTo("event: snapshot");
            JsonNode snapshot = JSON.readTree(first.get(1).substring("data: ".length()));
            assertThat(snapshot.get("captions").get(0).get("id").asText()).isEqualTo("old");

            // a second stream is over the limit of one
            HttpResponse<String> second = get("/events");
            assertThat(second.statusCode()).isEqualTo(503);

            state.accept(caption("new"));
            List<String> next = frame(lines);
            assertThat(next.get(0)).isEqualTo("event: caption");
            assertThat(JSON.readTree(next.get(1).substring(6)).get("id").asText()).isEqualTo("new");

            // closing the page ends the stream
            page.close();
            assertThat(lines.readLine()).isNull();
        }
    }

    private static List<String> frame(BufferedReader lines) throws Exception {
        List<String> frame = new ArrayList<>();
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.isEmpty()) {
                if (!frame.isEmpty()) {
                    return frame;
                }
            } else if (!line.startsWith(":")) {
                frame.add(line);
            }
        }
        return frame;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode caption(String id) {
        CaptionEvent event = Fixtures.caption();
        event.setImageId(id);
        return LiveEvents.caption(id, event);
    }
}

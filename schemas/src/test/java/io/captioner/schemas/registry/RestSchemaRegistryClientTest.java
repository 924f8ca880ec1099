package io.captioner.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.captioner.events.CaptionEvent;
import io.captioner.events.ImageEvent;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RestSchemaRegistryClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema IMAGE = ImageEvent.getClassSchema();

    private FakeRegistryServer server;
    private RestSchemaRegistryClient client;

    @BeforeEach
    void start() throws IOException {
        server = new FakeRegistryServer();
        client = clientFor(List.of(server.url()), 0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void shouldRegisterWithConfluentContentTypeAndSchemaBody() throws IOException {
        // given
        server.respond("POST", "/subjects/images-value/versions", 200, "{\"id\":21}");

        // when
        int id = client.register("images-value", IMAGE);

        // then
        assertThat(id).isEqualTo(21);
        FakeRegistryServer.Request request = server.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        String sent = JSON.readTree(request.body()).get("schema").asText();
        assertThat(new Schema.Parser().parse(sent)).isEqualTo(IMAGE);
    }

    @Test
    void shouldServeRepeatedRegistrationAndItsIdLookupFromCache() {
        // given
        server.respond("POST", "/subjects/images-value/versions", 200, "{\"id\":21}");

        // when
        int first = client.register("images-value", IMAGE);
        int second = client.register("images-value", IMAGE);
        Schema byId = client.getSchemaById(21);

        // then: one HTTP call in all
        assertThat(second).isEqualTo(first);
        assertThat(byId).isEqualTo(IMAGE);
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void shouldFetchSchemaByIdOnceThenServeFromCache() throws IOException {
        // given
        server.respond("GET", "/schemas/ids/5", 200, schemaJson(IMAGE, ""));

        // when
        Schema first = client.getSchemaById(5);
        Schema second = client.getSchemaById(5);

        // then
        assertThat(first).isEqualTo(IMAGE).isSameAs(second);
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void shouldLookUpIdUnderSubjectWithoutRegistering() throws IOException {
        // given
        server.respond(
                "POST",
                "/subjects/images-value",
                200,
                schemaJson(IMAGE, "\"subject\":\"images-value\",\"id\":3,\"version\":1,"));

        // when
        int id = client.getId("images-value", IMAGE);
        int again = client.getId("images-value", IMAGE);

        // then
        assertThat(id).isEqualTo(3).isEqualTo(again);
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void shouldReturnLatestVersionUncached() throws IOException {
        // given
        server.respond(
                "GET",
                "/subjects/images-value/versions/latest",
                200,
                schemaJson(IMAGE, "\"subject\":\"images-value\",\"id\":8,\"version\":4,"));

        // when
        SchemaMetadata latest = client.getLatestSchemaMetadata("images-value");
        client.getLatestSchemaMetadata("images-value");

        // then
        assertThat(latest).isEqualTo(new SchemaMetadata("images-value", 8, 4, IMAGE));
        assertThat(server.requests()).hasSize(2);
    }

    @Test
    void shouldReportCompatibilityVerdict() {
        // given
        server.respond(
                "POST",
                "/compatibility/subjects/images-value/versions/latest",
                200,
                "{\"is_compatible\":false}");
        server.respond(
                "POST",
                "/compatibility/subjects/new-value/versions/latest",
                404,
                "{\"error_code\":40401,\"message\":\"Subject 'new-value' not found.\"}");

        // when / then
        assertThat(client.testCompatibility("images-value", IMAGE)).isFalse();
        assertThat(client.testCompatibility("new-value", IMAGE)).isTrue();
    }

    @Test
    void shouldListSubjectsAndEncodeSubjectInPath() {
        // given
        server.respond("GET", "/subjects", 200, "[\"images-value\",\"captions-value\"]");
        server.respond("POST", "/subjects/odd%20name%2Fx/versions", 200, "{\"id\":2}");

        // when / then
        assertThat(client.getAllSubjects()).containsExactly("images-value", "captions-value");
        assertThat(client.register("odd name/x", IMAGE)).isEqualTo(2);
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of(404, 40401, SubjectNotFoundException.class),
                Arguments.of(404, 40402, VersionNotFoundException.class),
                Arguments.of(404, 40403, SchemaNotFoundException.class),
                Arguments.of(422, 42201, InvalidSchemaException.class),
                Arguments.of(422, 42203, InvalidSchemaException.class),
                Arguments.of(409, 40901, IncompatibleSchemaException.class),
                Arguments.of(409, 409, IncompatibleSchemaException.class),
                Arguments.of(500, 50001, SchemaRegistryException.class),
                Arguments.of(404, 404, SchemaRegistryException.class));
    }

    @ParameterizedTest(name = "HTTP {0} / {1} -> {2}")
    @MethodSource("errors")
    void shouldMapConfluentErrorBodiesToTypedExceptions(
            int status, int errorCode, Class<? extends SchemaRegistryException> expected) {
        // given
        server.respond(
                "POST",
                "/subjects/images-value/versions",
                status,
                "{\"error_code\":" + errorCode + ",\"message\":\"registry says no\"}");

        // when / then: mapped, with the registry's message, and not retried
        RestSchemaRegistryClient retrying = clientFor(List.of(server.url()), 3);
        assertThatThrownBy(() -> retrying.register("images-value", IMAGE))
                .isExactlyInstanceOf(expected)
                .hasMessageContaining("HTTP " + status)
                .hasMessageContaining("error code " + errorCode)
                .hasMessageContaining("registry says no")
                .satisfies(
                        e -> {
                            SchemaRegistryException sre = (SchemaRegistryException) e;
                            assertThat(sre.httpStatus()).isEqualTo(status);
                            assertThat(sre.errorCode()).isEqualTo(errorCode);
                        });
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void shouldKeepNonJsonErrorBodyInMessage() {
        // given a proxy in front of the registry
        server.respond("GET", "/schemas/ids/1", 502, "<html>Bad Gateway</html>");

        // when / then
        assertThatThrownBy(() -> client.getSchemaById(1))
                .isExactlyInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("HTTP 502")
                .hasMessageContaining("<html>Bad Gateway</html>");
    }

    @Test
    void shouldRejectSuccessfulResponseWithoutSchema() {
        // given
        server.respond("GET", "/schemas/ids/1", 200, "{\"nope\":1}");

        // when / then
        assertThatThrownBy(() -> client.getSchemaById(1))
                .isExactlyInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("lacks the 'schema' string");
    }

    @Test
    void shouldRetryRefusedConnectionsBoundedThenFailClearly() throws IOException {
        // given a port nobody listens on
        URI dead = deadUrl();
        RestSchemaRegistryClient unreachable = clientFor(List.of(dead), 2);

        // when / then
        assertThatThrownBy(() -> unreachable.getSchemaById(1))
                .isExactlyInstanceOf(SchemaRegistryConnectionException.class)
                .hasMessageContaining("Schema registry unreachable at [" + dead + "]")
                .hasMessageContaining("GET /schemas/ids/1 failed 3 time(s)")
                .hasCauseInstanceOf(ConnectException.class);
    }

    @Test
    void shouldFailOverToNextUrlOnRetry() throws IOException {
        // given the first URL refuses connections
        server.respond("GET", "/schemas/ids/9", 200, schemaJson(IMAGE, ""));
        URI dead = deadUrl();

        // when / then: without retries the dead URL is fatal, with one retry the live one answers
        assertThatThrownBy(() -> clientFor(List.of(dead, server.url()), 0).getSchemaById(9))
                .isInstanceOf(SchemaRegistryConnectionException.class);
        assertThat(clientFor(List.of(dead, server.url()), 1).getSchemaById(9)).isEqualTo(IMAGE);
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void shouldTimeOutSlowResponses() {
        // given
        server.hang();
        RestSchemaRegistryClient impatient =
                RestSchemaRegistryClient.builder()
                        .setBaseUrls(List.of(server.url()))
                        .optRequestTimeout(Duration.ofMillis(200))
                        .optMaxRetries(0)
                        .build();

        // when / then
        assertThatThrownBy(() -> impatient.getSchemaById(1))
                .isExactlyInstanceOf(SchemaRegistryConnectionException.class)
                .hasCauseInstanceOf(HttpTimeoutException.class);
    }

    @Test
    void shouldValidateBuilderSettings() {
        assertThatThrownBy(() -> RestSchemaRegistryClient.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("At least one schema registry URL");
        assertThatThrownBy(
                        () ->
                                RestSchemaRegistryClient.builder()
                                        .setBaseUrls(List.of(URI.create("ftp://host")))
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ftp://host");
        assertThatThrownBy(
                        () ->
                                RestSchemaRegistryClient.builder()
                                        .setBaseUrls(List.of(server.url()))
                                        .optMaxRetries(-1)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxRetries");
    }

    @Test
    void shouldCacheIdsPerSubject() {
        // given the same schema under two subjects
        server.respond("POST", "/subjects/a-value/versions", 200, "{\"id\":4}");
        server.respond("POST", "/subjects/b-value/versions", 200, "{\"id\":4}");
        Schema caption = CaptionEvent.getClassSchema();

        // when
        client.register("a-value", caption);
        client.register("b-value", caption);

        // then: registering under a new subject is a new call
        assertThat(server.requests()).hasSize(2);
    }

    private static RestSchemaRegistryClient clientFor(List<URI> urls, int retries) {
        return RestSchemaRegistryClient.builder()
                .setBaseUrls(urls)
                .optMaxRetries(retries)
                .optRetryBackoff(Duration.ofMillis(1))
                .optConnectTimeout(Duration.ofSeconds(2))
                .optRequestTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static URI deadUrl() throws IOException {
        int port;
        try (ServerSocket socket =
                new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        return URI.create("http://127.0.0.1:" + port);
    }

    private static String schemaJson(Schema schema, String extraFields) throws IOException {
        return "{" + extraFields + "\"schema\":" + JSON.writeValueAsString(schema.toString()) + "}";
    }
}

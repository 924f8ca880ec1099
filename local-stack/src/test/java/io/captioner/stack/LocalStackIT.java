package io.captioner.stack;

import static io.captioner.stack.RegistryHttp.CONFLUENT_JSON;
import static io.captioner.stack.RegistryHttp.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.stack.RegistryHttp.Response;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The registry of a running local stack, over real HTTP as Confluent clients call it. */
class LocalStackIT {

    static final String USER_V1 =
            "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"it\","
                    + "\"fields\":[{\"name\":\"name\",\"type\":\"string\"}]}";
    static final String USER_V2 =
            "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"it\","
                    + "\"fields\":[{\"name\":\"name\",\"type\":\"string\"},"
                    + "{\"name\":\"age\",\"type\":\"int\",\"default\":0}]}";
    static final String USER_BREAKING =
            "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"it\","
                    + "\"fields\":[{\"name\":\"name\",\"type\":\"string\"},"
                    + "{\"name\":\"email\",\"type\":\"string\"}]}";

    private static LocalStack stack;
    private static HttpClient client;
    private static RegistryHttp registry;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.builder().optTemporary().optKafkaPort(0).optRegistryPort(0).build();
        stack.start();
        client = HttpClient.newHttpClient();
        registry = new RegistryHttp(client, stack.registryUrl());
    }

    @AfterAll
    static void stopStack() {
        stack.close();
    }

    @Test
    void shouldRegisterAndServeSchemasWithTheConfluentContentType() {
        String subject = subject();

        Response registered =
                registry.post("/subjects/" + subject + "/versions", schemaBody(USER_V1));
        int id = registered.body().get("id").asInt();
        Response byId = registry.get("/schemas/ids/" + id);
        Response latest = registry.get("/subjects/" + subject + "/versions/latest");
        Response lookup = registry.post("/subjects/" + subject, schemaBody(USER_V1));

        assertThat(registered.status()).isEqualTo(200);
        assertThat(registered.contentType()).isEqualTo(CONFLUENT_JSON);
        assertThat(byId.status()).isEqualTo(200);
        assertThat(parse(byId.body().get("schema").asText())).isEqualTo(parse(USER_V1));
        assertThat(latest.body().get("subject").asText()).isEqualTo(subject);
        assertThat(latest.body().get("version").asInt()).isEqualTo(1);
        assertThat(latest.body().get("id").asInt()).isEqualTo(id);
        assertThat(lookup.body().get("id").asInt()).isEqualTo(id);
        assertThat(registry.get("/subjects").body().toString()).contains("\"" + subject + "\"");
        assertThat(registry.get("/subjects/" + subject + "/versions").body().toString())
                .isEqualTo("[1]");
        assertThat(registry.get("/schemas/ids/" + id + "/versions").body().toString())
                .contains("\"subject\":\"" + subject + "\"");
    }

    @Test
    void shouldBeIdempotentAndShareIdsAcrossSubjects() {
        String subject = subject();
        int first = registry.register(subject, USER_V1);

        assertThat(registry.register(subject, USER_V1)).isEqualTo(first);
        assertThat(registry.register(subject(), USER_V1)).isEqualTo(first);
        assertThat(registry.get("/subjects/" + subject + "/versions").body().size()).isEqualTo(1);
    }

    @Test
    void shouldAcceptPlainJsonBodiesAndRejectOtherContentTypes() {
        Response json =
                registry.post(
                        "/subjects/" + subject() + "/versions",
                        schemaBody(USER_V1),
                        "application/json");
        Response generic =
                registry.post(
                        "/subjects/" + subject() + "/versions",
                        schemaBody(USER_V1),
                        "application/vnd.schemaregistry+json");
        Response form =
                registry.post(
                        "/subjects/" + subject() + "/versions",
                        schemaBody(USER_V1),
                        "application/x-www-form-urlencoded");

        assertThat(json.status()).isEqualTo(200);
        assertThat(generic.status()).isEqualTo(200);
        assertThat(form.status()).isEqualTo(415);
    }

    @Test
    void shouldRejectAnIncompatibleSchemaWith409AndKeepTheSubjectUnchanged() {
        String subject = subject();
        registry.register(subject, USER_V1);
        registry.register(subject, USER_V2);

        Response rejected =
                registry.post("/subjects/" + subject + "/versions", schemaBody(USER_BREAKING));
        Response check =
                registry.post(
                        "/compatibility/subjects/" + subject + "/versions/latest?verbose=true",
                        schemaBody(USER_BREAKING));
        Response checkOk =
                registry.post(
                        "/compatibility/subjects/" + subject + "/versions/1", schemaBody(USER_V2));

        assertThat(rejected.status()).isEqualTo(409);
        assertThat(rejected.errorCode()).isEqualTo(409);
        assertThat(rejected.body().get("message").asText()).contains("email");
        assertThat(check.status()).isEqualTo(200);
        assertThat(check.body().get("is_compatible").asBoolean()).isFalse();
        assertThat(check.body().get("messages").size()).isPositive();
        assertThat(checkOk.body().get("is_compatible").asBoolean()).isTrue();
        assertThat(registry.get("/subjects/" + subject + "/versions").body().toString())
                .isEqualTo("[1,2]");
    }

    @Test
    void shouldReadAndChangeCompatibilityConfig() {
        String subject = subject();
        registry.register(subject, USER_V1);

        Response global = registry.get("/config");
        Response unsetSubject = registry.get("/config/" + subject);
        Response fallback = registry.get("/config/" + subject + "?defaultToGlobal=true");
        Response put = registry.put("/config/" + subject, "{\"compatibility\":\"none\"}");
        Response subjectLevel = registry.get("/config/" + subject);
        Response invalid = registry.put("/config/" + subject, "{\"compatibility\":\"SIDEWAYS\"}");
        Response breakingAccepted =
                registry.post("/subjects/" + subject + "/versions", schemaBody(USER_BREAKING));

        assertThat(global.body().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
        assertThat(unsetSubject.status()).isEqualTo(404);
        assertThat(unsetSubject.errorCode()).isEqualTo(40408);
        assertThat(fallback.body().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
        assertThat(put.body().get("compatibility").asText()).isEqualTo("NONE");
        assertThat(subjectLevel.body().get("compatibilityLevel").asText()).isEqualTo("NONE");
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.errorCode()).isEqualTo(42203);
        assertThat(breakingAccepted.status()).isEqualTo(200);
        assertThat(registry.get("/config").body().get("compatibilityLevel").asText())
                .isEqualTo("BACKWARD");
    }

    @Test
    void shouldAnswerBadRequestsWithConfluentErrorCodes() {
        String subject = subject();
        registry.register(subject, USER_V1);

        assertError(registry.get("/subjects/" + subject() + "/versions"), 404, 40401);
        assertError(registry.get("/subjects/" + subject + "/versions/9"), 404, 40402);
        assertError(registry.get("/subjects/" + subject + "/versions/zero"), 422, 42202);
        assertError(registry.get("/schemas/ids/987654"), 404, 40403);
        assertError(registry.post("/subjects/" + subject, schemaBody(USER_V2)), 404, 40403);
        assertError(
                registry.post("/subjects/" + subject() + "/versions", schemaBody("{\"type\":1}")),
                422,
                42201);
        assertError(
                registry.post(
                        "/subjects/" + subject() + "/versions",
                        "{\"schema\":\"syntax = \\\"proto3\\\";\",\"schemaType\":\"PROTOBUF\"}"),
                422,
                42201);
        assertError(registry.post("/subjects/" + subject() + "/versions", "{oops"), 400, 400);
        assertError(registry.get("/no/such/path"), 404, 404);
        assertError(registry.put("/subjects", "{}"), 405, 405);
    }

    @Test
    void shouldDecodePercentEncodedSubjectsLiterally() {
        String subject = "it:" + UUID.randomUUID() + "/a+b c";
        String encoded = URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");

        int id = registry.register(encoded, USER_V1);

        assertThat(registry.get("/subjects").body().toString()).contains(subject);
        assertThat(registry.get("/subjects/" + encoded + "/versions/1").body().get("id").asInt())
                .isEqualTo(id);
    }

    @Test
    void shouldAssignDistinctIdsToConcurrentRegistrations() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> ids = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String schema = "{\"type\":\"enum\",\"name\":\"E" + i + "\",\"symbols\":[\"A\"]}";
                String subject = subject();
                ids.add(pool.submit(() -> registry.register(subject, schema)));
            }
            List<Integer> values = new ArrayList<>();
            for (Future<Integer> id : ids) {
                values.add(id.get());
            }
            assertThat(values).doesNotHaveDuplicates();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldKeepIdsAcrossARegistryRestart() {
        String topic = "_schemas_restart_" + UUID.randomUUID();
        int first;
        int second;
        try (EmbeddedSchemaRegistry one = registryOn(topic)) {
            one.start();
            RegistryHttp http = new RegistryHttp(client, one.url());
            first = http.register("a-value", USER_V1);
            second = http.register("b-value", "\"string\"");
            http.put("/config/a-value", "{\"compatibility\":\"FULL\"}");
        }

        try (EmbeddedSchemaRegistry two = registryOn(topic)) {
            two.start();
            RegistryHttp http = new RegistryHttp(client, two.url());

            assertThat(http.register("a-value", USER_V1)).isEqualTo(first);
            assertThat(http.register("c-value", "\"string\"")).isEqualTo(second);
            http.put("/config/c-value", "{\"compatibility\":\"NONE\"}");
            assertThat(http.register("c-value", "\"long\"")).isEqualTo(second + 1);
            assertThat(http.get("/config/a-value").body().get("compatibilityLevel").asText())
                    .isEqualTo("FULL");
        }
    }

    private static EmbeddedSchemaRegistry registryOn(String topic) {
        return EmbeddedSchemaRegistry.builder()
                .setBootstrapServers(stack.bootstrapServers())
                .optPort(0)
                .optTopic(topic)
                .build();
    }

    private static void assertError(Response response, int status, int errorCode) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.errorCode()).as(response.toString()).isEqualTo(errorCode);
        assertThat(response.body().get("message").asText()).isNotBlank();
        assertThat(response.contentType()).isEqualTo(CONFLUENT_JSON);
    }

    private static org.apache.avro.Schema parse(String schema) {
        return new org.apache.avro.Schema.Parser().parse(schema);
    }

    private static String subject() {
        return "it-" + UUID.randomUUID() + "-value";
    }
}

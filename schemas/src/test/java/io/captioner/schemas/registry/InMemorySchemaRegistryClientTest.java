package io.captioner.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.captioner.events.CaptionEvent;
import io.captioner.events.ImageEvent;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryClientTest {

    private static final Schema V1 =
            SchemaBuilder.record("Thing").namespace("t").fields().requiredString("a").endRecord();
    private static final Schema V2_DEFAULTED =
            SchemaBuilder.record("Thing")
                    .namespace("t")
                    .fields()
                    .requiredString("a")
                    .name("b")
                    .type()
                    .intType()
                    .intDefault(0)
                    .endRecord();
    private static final Schema V2_REQUIRED =
            SchemaBuilder.record("Thing")
                    .namespace("t")
                    .fields()
                    .requiredString("a")
                    .requiredInt("b")
                    .endRecord();

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    @Test
    void shouldShareGlobalIdOfEqualSchemaAcrossSubjects() {
        // when
        int images = registry.register("images-value", ImageEvent.getClassSchema());
        int again = registry.register("other-value", ImageEvent.getClassSchema());
        int captions = registry.register("captions-value", CaptionEvent.getClassSchema());

        // then
        assertThat(again).isEqualTo(images);
        assertThat(captions).isNotEqualTo(images);
        assertThat(registry.getSchemaById(captions)).isEqualTo(CaptionEvent.getClassSchema());
        assertThat(registry.getAllSubjects())
                .containsExactly("images-value", "other-value", "captions-value");
    }

    @Test
    void shouldVersionSubjectAndReturnExistingIdForKnownSchema() {
        // when
        int first = registry.register("s", V1);
        int second = registry.register("s", V2_DEFAULTED);
        int firstAgain = registry.register("s", V1);

        // then
        assertThat(firstAgain).isEqualTo(first);
        assertThat(registry.getLatestSchemaMetadata("s"))
                .isEqualTo(new SchemaMetadata("s", second, 2, V2_DEFAULTED));
        assertThat(registry.getId("s", V1)).isEqualTo(first);
    }

    @Test
    void shouldRejectBackwardIncompatibleSchemaByDefault() {
        // given
        registry.register("s", V1);

        // when / then
        assertThat(registry.testCompatibility("s", V2_REQUIRED)).isFalse();
        assertThatThrownBy(() -> registry.register("s", V2_REQUIRED))
                .isExactlyInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("subject s (BACKWARD)")
                .satisfies(
                        e ->
                                assertThat(((SchemaRegistryException) e).errorCode())
                                        .isEqualTo(40901));
        assertThat(registry.getLatestSchemaMetadata("s").version()).isEqualTo(1);
    }

    @Test
    void shouldApplyPerSubjectCompatibilityLevels() {
        // given
        registry.register("none", V1);
        registry.setCompatibility("none", CompatibilityLevel.NONE);
        registry.register("forward", V1);
        registry.setCompatibility("forward", CompatibilityLevel.FORWARD);

        // when / then: NONE accepts anything; FORWARD only needs the old reader to read the new
        // writer, which ignores the added required field
        assertThat(registry.register("none", V2_REQUIRED)).isPositive();
        assertThat(registry.register("forward", V2_REQUIRED)).isPositive();
        assertThat(registry.testCompatibility("forward", V1)).isFalse();
        assertThat(registry.getCompatibility("other")).isEqualTo(CompatibilityLevel.BACKWARD);
    }

    @Test
    void shouldCheckEveryEarlierVersionWhenTransitive() {
        // given v1 -> v2 (defaulted b) is fine, but a v3 without 'a' default breaks v1 only
        Schema v3 =
                SchemaBuilder.record("Thing")
                        .namespace("t")
                        .fields()
                        .name("b")
                        .type()
                        .intType()
                        .intDefault(0)
                        .name("c")
                        .type()
                        .stringType()
                        .stringDefault("")
                        .endRecord();
        registry.register("s", V1);
        registry.register("s", V2_DEFAULTED);
        registry.setCompatibility("s", CompatibilityLevel.FULL_TRANSITIVE);

        // when / then: v3 drops required 'a', so v1 readers cannot read it
        assertThat(registry.testCompatibility("s", v3)).isFalse();
        registry.setCompatibility("s", CompatibilityLevel.BACKWARD_TRANSITIVE);
        assertThat(registry.testCompatibility("s", v3)).isTrue();
    }

    @Test
    void shouldRaiseTypedNotFoundErrors() {
        // given
        registry.register("s", V1);

        // when / then
        assertThatThrownBy(() -> registry.getSchemaById(999))
                .isExactlyInstanceOf(SchemaNotFoundException.class)
                .hasMessageContaining("999");
        assertThatThrownBy(() -> registry.getLatestSchemaMetadata("missing"))
                .isExactlyInstanceOf(SubjectNotFoundException.class);
        assertThatThrownBy(() -> registry.getId("missing", V1))
                .isExactlyInstanceOf(SubjectNotFoundException.class);
        assertThatThrownBy(() -> registry.getId("s", V2_DEFAULTED))
                .isExactlyInstanceOf(SchemaNotFoundException.class);
        assertThat(registry.testCompatibility("missing", V2_REQUIRED)).isTrue();
    }

    @Test
    void shouldShareInMemoryRegistryPerMockScope() {
        // given
        Map<String, String> config = Map.of("schema.registry.url", "mock://shared-scope-test");

        // when
        SchemaRegistryClient a = SchemaRegistryClients.fromConfig(config);
        SchemaRegistryClient b = SchemaRegistryClients.fromConfig(config);
        SchemaRegistryClient other =
                SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", "mock://else"));
        SchemaRegistryClients.dropMockScope("shared-scope-test");
        SchemaRegistryClient fresh = SchemaRegistryClients.fromConfig(config);

        // then
        assertThat(a).isSameAs(b).isNotSameAs(other).isNotSameAs(fresh);
        SchemaRegistryClients.dropMockScope("else");
        SchemaRegistryClients.dropMockScope("shared-scope-test");
    }

    @Test
    void shouldBuildRestClientFromConfig() {
        // when
        SchemaRegistryClient client =
                SchemaRegistryClients.fromConfig(
                        Map.of(
                                "schema.registry.url",
                                "http://a:8081, http://b:8081",
                                SchemaRegistryClients.MAX_RETRIES_CONFIG,
                                "5",
                                SchemaRegistryClients.REQUEST_TIMEOUT_MS_CONFIG,
                                1000));

        // then
        assertThat(client).isInstanceOf(RestSchemaRegistryClient.class);
        assertThat(((RestSchemaRegistryClient) client).baseUrls())
                .extracting(Object::toString)
                .containsExactly("http://a:8081", "http://b:8081");
    }

    @Test
    void shouldRejectBadRegistryConfig() {
        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url");
        assertThatThrownBy(
                        () ->
                                SchemaRegistryClients.fromConfig(
                                        Map.of("schema.registry.url", "ftp://x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ftp://x");
        assertThatThrownBy(
                        () ->
                                SchemaRegistryClients.fromConfig(
                                        Map.of(
                                                "schema.registry.url",
                                                "http://x",
                                                SchemaRegistryClients.MAX_RETRIES_CONFIG,
                                                "many")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(SchemaRegistryClients.MAX_RETRIES_CONFIG);
        assertThatThrownBy(
                        () ->
                                SchemaRegistryClients.fromConfig(
                                        Map.of("schema.registry.url", "mock://a,mock://b")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must stand alone");
    }
}

package io.captioner.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.captioner.events.CaptionEvent;
import io.captioner.events.CaptionFailure;
import io.captioner.events.ImageEvent;
import io.captioner.events.LabeledPair;
import io.captioner.events.ModelManifest;
import io.captioner.events.ModelTopicRecord;
import io.captioner.events.TrainingCommand;
import io.captioner.events.TrainingRun;
import io.captioner.schemas.Fixtures;
import io.captioner.schemas.registry.InMemorySchemaRegistryClient;
import io.captioner.schemas.registry.SchemaRegistryClients;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpecificAvroSerdeRoundTripTest {

    private final String scope = "roundtrip-" + UUID.randomUUID();
    private final Map<String, String> config =
            Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "mock://" + scope);

    @AfterEach
    void dropScope() {
        SchemaRegistryClients.dropMockScope(scope);
    }

    static Stream<Arguments> records() {
        return Stream.of(
                Arguments.of("images", ImageEvent.class, Fixtures.inlineImage()),
                Arguments.of("images", ImageEvent.class, Fixtures.uriImage()),
                Arguments.of("captions", CaptionEvent.class, Fixtures.caption()),
                Arguments.of("captions-dlq", CaptionFailure.class, Fixtures.failure()),
                Arguments.of("labeled-pairs", LabeledPair.class, Fixtures.labeledPair()),
                Arguments.of(
                        "models", ModelTopicRecord.class, Fixtures.envelope(Fixtures.manifest())),
                Arguments.of("models", ModelTopicRecord.class, Fixtures.envelope(Fixtures.chunk())),
                Arguments.of(
                        "models", ModelTopicRecord.class, Fixtures.envelope(Fixtures.activation())),
                Arguments.of("manifests", ModelManifest.class, Fixtures.manifest()),
                Arguments.of("training-runs", TrainingRun.class, Fixtures.trainingRun()),
                Arguments.of(
                        "training-control", TrainingCommand.class, Fixtures.trainingCommand()));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("records")
    <T extends SpecificRecord> void shouldRoundTripEveryRecordTypeThroughConfiguredSerde(
            String topic, Class<T> type, T record) {
        // given a serde configured by URL only, as Kafka would
        SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(type);
        serde.configure(config, false);

        // when
        byte[] bytes = serde.serializer().serialize(topic, record);
        T back = serde.deserializer().deserialize(topic, bytes);

        // then
        assertThat(bytes[0]).isEqualTo(WireFormat.MAGIC_BYTE);
        assertThat(back).isEqualTo(record).isInstanceOf(type);
        assertThat(SchemaRegistryClients.mockScope(scope).getAllSubjects())
                .containsExactly(topic + "-value");
    }

    @Test
    void shouldMapNullToNullBothWaysForTombstones() {
        // given
        SpecificAvroSerde<ImageEvent> serde =
                new SpecificAvroSerde<>(new InMemorySchemaRegistryClient(), ImageEvent.class);

        // when / then
        assertThat(serde.serializer().serialize("images", null)).isNull();
        assertThat(serde.deserializer().deserialize("images", null)).isNull();
    }

    @Test
    void shouldPickSpecificClassByWriterSchemaNameWithoutReaderClass() {
        // given a serde without reader class, like Confluent's reflective one
        SpecificAvroSerde<CaptionEvent> serde = new SpecificAvroSerde<>();
        serde.configure(config, false);

        // when
        CaptionEvent back =
                serde.deserializer()
                        .deserialize(
                                "captions",
                                serde.serializer().serialize("captions", Fixtures.caption()));

        // then
        assertThat(back).isEqualTo(Fixtures.caption());
    }

    @Test
    void shouldShareMockScopeBetweenSeparatelyConfiguredSerializerAndDeserializer() {
        // given
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(config, false);
        AvroDeserializer deserializer = new AvroDeserializer();
        deserializer.configure(
                Map.of(
                        AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG,
                        "mock://" + scope,
                        AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG,
                        "true"),
                false);

        // when
        Object back =
                deserializer.deserialize(
                        "captions", serializer.serialize("captions", Fixtures.caption()));

        // then
        assertThat(back).isEqualTo(Fixtures.caption());
    }

    @Test
    void shouldReturnGenericRecordWhenSpecificReaderIsOff() {
        // given
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(config, false);
        AvroDeserializer deserializer = new AvroDeserializer();
        deserializer.configure(config, false);

        // when
        Object back =
                deserializer.deserialize(
                        "images", serializer.serialize("images", Fixtures.uriImage()));

        // then
        assertThat(back).isInstanceOf(GenericRecord.class);
        GenericRecord generic = (GenericRecord) back;
        assertThat(generic.get("imageId").toString()).isEqualTo("img-2");
        assertThat(generic.get("eventTime")).isEqualTo(Fixtures.T0.toEpochMilli());
    }

    @Test
    void shouldReuseOneSchemaIdForRepeatedSerialization() {
        // given
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        SpecificAvroSerializer<ImageEvent> serializer = new SpecificAvroSerializer<>(registry);

        // when
        int first =
                WireFormat.schemaId(serializer.serialize("images", Fixtures.inlineImage()), "t");
        int second = WireFormat.schemaId(serializer.serialize("images", Fixtures.uriImage()), "t");

        // then
        assertThat(first)
                .isEqualTo(second)
                .isEqualTo(
                        registry.getId(
                                "images-value", PortableSchema.of(ImageEvent.getClassSchema())));
    }

    @Test
    void shouldRefuseUnregisteredSchemaWhenAutoRegisterIsOff() {
        // given
        AvroSerializer serializer =
                new AvroSerializer(
                        new InMemorySchemaRegistryClient(),
                        Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG, "false"),
                        false);

        // when / then
        assertThatThrownBy(() -> serializer.serialize("images", Fixtures.uriImage()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot find schema io.captioner.events.ImageEvent")
                .hasMessageContaining("images-value");
    }

    @Test
    void shouldUseRegisteredSchemaWhenAutoRegisterIsOff() {
        // given
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        int id = registry.register("images-value", ImageEvent.getClassSchema());
        AvroSerializer serializer =
                new AvroSerializer(
                        registry,
                        Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG, false),
                        false);

        // when
        byte[] bytes = serializer.serialize("images", Fixtures.uriImage());

        // then
        assertThat(WireFormat.schemaId(bytes, "images")).isEqualTo(id);
    }

    @Test
    void shouldRejectValuesThatAreNotAvroRecords() {
        // given
        AvroSerializer serializer = new AvroSerializer(new InMemorySchemaRegistryClient());

        // when / then
        assertThatThrownBy(() -> serializer.serialize("images", "just a string"))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("java.lang.String")
                .hasMessageContaining("expected an Avro record");
    }

    @Test
    void shouldRejectRecordWithMissingRequiredFieldAsSerializationError() {
        // given a record bypassing the builder's checks
        ImageEvent broken = new ImageEvent();
        broken.setEventTime(Fixtures.T0);
        SpecificAvroSerializer<ImageEvent> serializer =
                new SpecificAvroSerializer<>(new InMemorySchemaRegistryClient());

        // when / then
        assertThatThrownBy(() -> serializer.serialize("images", broken))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot encode a io.captioner.events.ImageEvent");
    }
}

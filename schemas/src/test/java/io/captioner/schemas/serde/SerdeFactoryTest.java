package io.captioner.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.captioner.events.ImageEvent;
import io.captioner.schemas.registry.InMemorySchemaRegistryClient;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

class SerdeFactoryTest {

    /** Stands in for a third-party serde such as Confluent's, recording how it was configured. */
    public static final class RecordingSerde implements Serde<ImageEvent> {
        Map<String, ?> configs;
        Boolean isKey;

        @Override
        public void configure(Map<String, ?> configs, boolean isKey) {
            this.configs = configs;
            this.isKey = isKey;
        }

        @Override
        public Serializer<ImageEvent> serializer() {
            return (topic, data) -> new byte[0];
        }

        @Override
        public Deserializer<ImageEvent> deserializer() {
            return (topic, data) -> null;
        }
    }

    @Test
    void shouldDefaultToOurSpecificAvroSerdeUsingGivenClient() {
        // given
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

        // when
        Serde<ImageEvent> serde =
                SerdeFactory.avroSerde(ImageEvent.class, Map.of(), false, registry);
        serde.serializer().serialize("images", io.captioner.schemas.Fixtures.uriImage());

        // then
        assertThat(serde).isExactlyInstanceOf(SpecificAvroSerde.class);
        assertThat(registry.getAllSubjects()).containsExactly("images-value");
    }

    @Test
    void shouldInstantiateAndConfigureConfiguredSerdeClass() {
        // given
        Map<String, Object> config = new HashMap<>();
        config.put(SerdeFactory.AVRO_SERDE_CLASS_CONFIG, RecordingSerde.class.getName());
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://registry:8081");

        // when
        Serde<ImageEvent> serde =
                SerdeFactory.avroSerde(
                        ImageEvent.class, config, true, new InMemorySchemaRegistryClient());

        // then
        assertThat(serde).isInstanceOf(RecordingSerde.class);
        RecordingSerde recording = (RecordingSerde) serde;
        assertThat(recording.isKey).isTrue();
        assertThat(recording.configs.get(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG))
                .isEqualTo("http://registry:8081");
    }

    @Test
    void shouldAcceptClassObjectAsConfigValue() {
        Serde<ImageEvent> serde =
                SerdeFactory.avroSerde(
                        ImageEvent.class,
                        Map.of(SerdeFactory.AVRO_SERDE_CLASS_CONFIG, RecordingSerde.class),
                        false);
        assertThat(serde).isInstanceOf(RecordingSerde.class);
    }

    @Test
    void shouldRejectMissingOrWrongSerdeClass() {
        assertThatThrownBy(
                        () ->
                                SerdeFactory.avroSerde(
                                        ImageEvent.class,
                                        Map.of(
                                                SerdeFactory.AVRO_SERDE_CLASS_CONFIG,
                                                "io.confluent.kafka.streams.serdes.avro.SpecificAvroSerde"),
                                        false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("io.confluent.kafka.streams.serdes.avro.SpecificAvroSerde")
                .hasMessageContaining("class not found");
        assertThatThrownBy(() -> SerdeFactory.newSerde(String.class.getName(), Map.of(), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not an org.apache.kafka.common.serialization.Serde");
    }
}

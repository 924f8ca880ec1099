package io.captioner.training.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingServiceConfigTest {

    private static final Path SHIPPED = Path.of("..", "config", "training-service.properties");

    @TempDir Path dir;

    @Test
    void shouldApplyTheIssuesDefaultsAndTheTrainersHyperParameters() {
        // when
        TrainingServiceConfig config = TrainingServiceConfig.of(Map.of());

        // then
        assertThat(config.triggerPairs()).isEqualTo(1000);
        assertThat(config.validationFraction()).isEqualTo(0.1);
        assertThat(config.gateMetric()).isEqualTo("CIDEr");
        assertThat(config.gateMargin()).isZero();
        assertThat(config.scheduleInterval()).isEmpty();
        assertThat(config.signingKey()).isEmpty();
        assertThat(config.modelName()).isEqualTo("captioner");
        assertThat(config.hyperParameters()).isEqualTo(HyperParameters.defaults());
        assertThat(config.hyperParameters().decoder()).isEqualTo("lstm");
        assertThat(config.dataDirectory().toString())
                .startsWith(System.getProperty("user.home"))
                .doesNotStartWith(System.getProperty("java.io.tmpdir"));
        assertThat(config.cacheDirectory().startsWith(config.dataDirectory())).isTrue();
        assertThat(config.workDirectory().startsWith(config.dataDirectory())).isTrue();
    }

    @Test
    void shouldTrainTheChosenDecoderAndRefuseAnUnknownOne() {
        // when
        TrainingServiceConfig attention =
                TrainingServiceConfig.of(Map.of(TrainingServiceConfig.DECODER, "attention"));

        // then
        assertThat(attention.hyperParameters().decoder()).isEqualTo("attention");
        assertThat(attention.hyperParameters().asMap()).containsEntry("decoder", "attention");
        assertThatThrownBy(
                        () ->
                                TrainingServiceConfig.of(
                                        Map.of(TrainingServiceConfig.DECODER, "gru")))
                .hasMessageContaining(TrainingServiceConfig.DECODER);
    }

    @Test
    void shouldLetFileBeatDefaultsEnvironmentBeatFileAndOverridesBeatEverything()
            throws IOException {
        // given
        Path file = dir.resolve("t.properties");
        Files.writeString(
                file,
                "captioner.training.trigger.pairs=10\n"
                        + "captioner.training.epochs=3\n"
                        + "captioner.training.gate.margin=0.5\n");

        // when
        TrainingServiceConfig config =
                TrainingServiceConfig.builder()
                        .optPropertiesFile(file)
                        .optEnvironment(
                                Map.of(
                                        "CAPTIONER_TRAINING_EPOCHS", "4",
                                        "CAPTIONER_TRAINING_GATE_MARGIN", "0.25"))
                        .optOverride(TrainingServiceConfig.GATE_MARGIN, "0.125")
                        .build();

        // then
        assertThat(config.triggerPairs()).isEqualTo(10);
        assertThat(config.hyperParameters().epochs()).isEqualTo(4);
        assertThat(config.gateMargin()).isEqualTo(0.125);
    }

    @Test
    void shouldRefuseAnUnknownGateMetricAndAnInvalidFraction() {
        assertThatThrownBy(
                        () ->
                                TrainingServiceConfig.of(
                                        Map.of(TrainingServiceConfig.GATE_METRIC, "accuracy")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("captioner.training.gate.metric");
        assertThatThrownBy(
                        () ->
                                TrainingServiceConfig.of(
                                        Map.of(TrainingServiceConfig.VALIDATION_FRACTION, "1.5")))
                .isInstanceOf(ConfigException.class);
        // 0 would leave no validation split: every run would fail
        assertThatThrownBy(
                        () ->
                                TrainingServiceConfig.of(
                                        Map.of(TrainingServiceConfig.VALIDATION_FRACTION, "0.0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("captioner.training.validation.fraction");
        assertThat(
                        TrainingServiceConfig.of(
                                        Map.of(TrainingServiceConfig.VALIDATION_FRACTION, "0.01"))
                                .validationFraction())
                .isEqualTo(0.01);
    }

    @Test
    void shouldPassUnknownKeysToTheKafkaClients() {
        TrainingServiceConfig config = TrainingServiceConfig.of(Map.of("security.protocol", "SSL"));

        assertThat(config.clientConfig()).containsEntry("security.protocol", "SSL");
        assertThat(config.serdeConfig())
                .containsEntry("security.protocol", "SSL")
                .containsKey(TrainingServiceConfig.SCHEMA_REGISTRY_URL);
    }

    @Test
    void shouldDocumentEveryKeyInTheTableAndInTheShippedPropertiesFile() throws IOException {
        ConfigDef def = TrainingServiceConfig.definition();
        String text = Files.readString(SHIPPED);

        for (ConfigDef.ConfigKey key : def.configKeys().values()) {
            assertThat(key.documentation).as(key.name).isNotBlank();
            assertThat(text)
                    .as(key.name)
                    .containsPattern("(?m)^#?" + key.name.replace(".", "\\.") + "=");
        }
    }

    @Test
    void shouldParseTheShippedPropertiesFileWithoutPassThroughKeys() throws IOException {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(SHIPPED)) {
            props.load(in);
        }

        TrainingServiceConfig config =
                TrainingServiceConfig.builder().optPropertiesFile(SHIPPED).build();

        assertThat(config.passThrough()).isEmpty();
        assertThat(config.bootstrapServers()).isEqualTo(props.getProperty("bootstrap.servers"));
    }
}

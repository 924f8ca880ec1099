package io.captioner.streams.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.captioner.model.DecodingOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamsAppConfigTest {

    @TempDir Path dir;

    @Test
    void shouldApplyDefaultsWhenNothingIsGiven() {
        StreamsAppConfig config = StreamsAppConfig.builder().build();

        assertThat(config.batchMaxSize()).isEqualTo(16);
        assertThat(config.batchMaxWait()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.decodingOptions()).isEqualTo(new DecodingOptions(1, 30, 0.7, 0));
        assertThat(config.modelPath()).isEmpty();
        assertThat(config.httpPort()).isEqualTo(StreamsAppConfig.DEFAULT_HTTP_PORT);
        assertThat(config.httpBindAddress()).isEqualTo("0.0.0.0");
        assertThat(config.streamsProperties())
                .containsEntry(
                        StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "captioner-streams");
    }

    @Test
    void shouldLetFileBeatDefaultsEnvironmentBeatFileAndOverridesBeatEverything()
            throws IOException {
        Path file = dir.resolve("app.properties");
        Files.writeString(
                file,
                "captioner.batch.max.size=8\ncaptioner.batch.max.wait.ms=50\n"
                        + "captioner.model.path=/from/file\nmax.poll.records=7\n");

        StreamsAppConfig config =
                StreamsAppConfig.builder()
                        .optPropertiesFile(file)
                        .optEnvironment(
                                Map.of(
                                        "CAPTIONER_BATCH_MAX_WAIT_MS", "75",
                                        "CAPTIONER_MODEL_PATH", "/from/env",
                                        "CAPTIONER_BOOTSTRAP", "broker:1"))
                        .optOverride(StreamsAppConfig.MODEL_PATH, "/from/flag")
                        .build();

        assertThat(config.batchMaxSize()).isEqualTo(8);
        assertThat(config.batchMaxWait()).isEqualTo(Duration.ofMillis(75));
        assertThat(config.modelPath()).contains(Path.of("/from/flag"));
        assertThat(config.bootstrapServers()).isEqualTo("broker:1");
        assertThat(config.streamsProperties()).containsEntry("max.poll.records", "7");
    }

    @Test
    void shouldNameEnvironmentVariablesAfterTheKeys() {
        assertThat(StreamsAppConfig.envName(StreamsAppConfig.MODEL_PATH))
                .isEqualTo("CAPTIONER_MODEL_PATH");
        assertThat(StreamsAppConfig.envName(StreamsAppConfig.NUM_STREAM_THREADS))
                .isEqualTo("CAPTIONER_NUM_STREAM_THREADS");
        assertThat(StreamsAppConfig.envName(StreamsAppConfig.SCHEMA_REGISTRY_URL))
                .isEqualTo("CAPTIONER_REGISTRY");
    }

    @Test
    void shouldRejectInvalidValuesWithTheKeyInTheMessage() {
        assertThatThrownBy(() -> StreamsAppConfig.of(Map.of(StreamsAppConfig.BATCH_MAX_SIZE, 0)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(StreamsAppConfig.BATCH_MAX_SIZE);
        assertThatThrownBy(
                        () ->
                                StreamsAppConfig.of(
                                        Map.of(StreamsAppConfig.PROCESSING_GUARANTEE, "maybe")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(
                        () ->
                                StreamsAppConfig.of(
                                        Map.of(
                                                StreamsAppConfig.DECODING_BEAM_SIZE, 2,
                                                StreamsAppConfig.DECODING_ALTERNATIVES, 2)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(StreamsAppConfig.DECODING_ALTERNATIVES);
    }

    @Test
    void shouldTakeTheOpsBindAddressFromTheEnvironmentAndRefuseABlankOne() {
        StreamsAppConfig config =
                StreamsAppConfig.builder()
                        .optEnvironment(Map.of("CAPTIONER_HTTP_BIND_ADDRESS", "127.0.0.1"))
                        .build();

        assertThat(config.httpBindAddress()).isEqualTo("127.0.0.1");
        assertThatThrownBy(
                        () -> StreamsAppConfig.of(Map.of(StreamsAppConfig.HTTP_BIND_ADDRESS, " ")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(StreamsAppConfig.HTTP_BIND_ADDRESS);
    }

    @Test
    void shouldDocumentEveryKeyInTheTableAndInTheShippedPropertiesFile() throws IOException {
        ConfigDef def = StreamsAppConfig.definition();
        Path shipped = Path.of("..", "config", "streams-app.properties");
        String text = Files.readString(shipped);

        for (ConfigDef.ConfigKey key : def.configKeys().values()) {
            assertThat(key.documentation).as(key.name).isNotBlank();
            assertThat(text)
                    .as(key.name)
                    .containsPattern("(?m)^#?" + key.name.replace(".", "\\.") + "=");
        }
    }

    @Test
    void shouldParseTheShippedPropertiesFile() throws IOException {
        Properties props = new Properties();
        try (InputStream in =
                Files.newInputStream(Path.of("..", "config", "streams-app.properties"))) {
            props.load(in);
        }

        StreamsAppConfig config =
                StreamsAppConfig.builder()
                        .optPropertiesFile(Path.of("..", "config", "streams-app.properties"))
                        .build();

        assertThat(config.passThrough()).isEmpty();
        assertThat(config.bootstrapServers()).isEqualTo(props.getProperty("bootstrap.servers"));
    }
}

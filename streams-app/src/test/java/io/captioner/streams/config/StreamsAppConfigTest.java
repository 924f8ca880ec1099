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

        assertThat(config.servingPlan(2, false).batchSize()).isEqualTo(16);
        assertThat(config.servingPlan(2, true).batchSize()).isEqualTo(64);
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
    void shouldKeepDurableStateUnderTheDataDirectoryNeverTheTemporaryOne() {
        StreamsAppConfig defaults = StreamsAppConfig.builder().build();
        StreamsAppConfig custom =
                StreamsAppConfig.builder()
                        .optEnvironment(Map.of("CAPTIONER_DATA_DIR", dir.toString()))
                        .build();

        assertThat(defaults.dataDirectory())
                .isEqualTo(Path.of(System.getProperty("user.home"), ".captioner", "streams-app"));
        assertThat(custom.stateDirectory()).isEqualTo(dir.resolve("state"));
        assertThat(custom.modelWorkDirectory()).contains(dir.resolve("models"));
        assertThat(custom.streamsProperties())
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
    }

    @Test
    void shouldSizeTheProducerAndTransactionsForTheLargestBufferedImage() {
        StreamsAppConfig config =
                StreamsAppConfig.of(Map.of(StreamsAppConfig.IMAGE_MAX_BYTES, 6 * 1024 * 1024));

        var props = config.streamsProperties("node-1");

        int request = config.maxBufferRecordBytes();
        assertThat(request).isGreaterThan(6 * 1024 * 1024 + 1024 * 1024);
        assertThat(props)
                .containsEntry("producer.max.request.size", request)
                .containsEntry("producer.transaction.timeout.ms", 30_000)
                .containsEntry("group.instance.id", "node-1");
        assertThat((long) props.get("producer.buffer.memory")).isGreaterThanOrEqualTo(2L * request);
    }

    @Test
    void shouldRejectSettingsThatDoNotFitTheTransactionOrTheLargestImage() {
        assertThatThrownBy(
                        () ->
                                StreamsAppConfig.of(
                                        Map.of(
                                                StreamsAppConfig.TRANSACTION_TIMEOUT_MS, 5_000,
                                                StreamsAppConfig.COMMIT_INTERVAL_MS, 1_000)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(StreamsAppConfig.COMMIT_INTERVAL_MS)
                .hasMessageContaining("a tenth of transaction.timeout.ms");
        assertThatThrownBy(
                        () ->
                                StreamsAppConfig.of(
                                        Map.of(
                                                StreamsAppConfig.TRANSACTION_TIMEOUT_MS, 5_000,
                                                StreamsAppConfig.BUFFER_MAX_BLOCK_MS, 1_000)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(StreamsAppConfig.BUFFER_MAX_BLOCK_MS);
        assertThatThrownBy(() -> StreamsAppConfig.of(Map.of("max.request.size", 1_048_576)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("max.request.size")
                .hasMessageContaining(StreamsAppConfig.IMAGE_MAX_BYTES);
    }

    @Test
    void shouldPlanThreadsFromTheCoresUnlessConfigured() {
        StreamsAppConfig defaults = StreamsAppConfig.builder().build();
        StreamsAppConfig custom =
                StreamsAppConfig.of(
                        Map.of(
                                StreamsAppConfig.INFERENCE_THREADS, 2,
                                StreamsAppConfig.INPUT_THREADS, 3));

        ServingPlan cpu = defaults.servingPlan(16, false);
        ServingPlan gpu = defaults.servingPlan(16, true);
        ServingPlan configured = custom.servingPlan(16, false);

        assertThat(cpu.inferenceThreads() * cpu.intraOpThreads()).isEqualTo(16);
        assertThat(cpu.inferenceThreads()).isEqualTo(2);
        assertThat(defaults.servingPlan(1, false).inferenceThreads()).isEqualTo(1);
        assertThat(defaults.servingPlan(2, false).intraOpThreads()).isEqualTo(1);
        assertThat(cpu.inputThreads()).isEqualTo(8);
        assertThat(cpu.inflightBatches()).isEqualTo(cpu.inferenceThreads() + 1);
        assertThat(gpu.inferenceThreads()).isEqualTo(2);
        assertThat(gpu.intraOpThreads()).isEqualTo(1);
        assertThat(configured.inferenceThreads()).isEqualTo(2);
        assertThat(configured.intraOpThreads()).isEqualTo(8);
        assertThat(configured.inputThreads()).isEqualTo(3);
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
        assertThatThrownBy(() -> StreamsAppConfig.of(Map.of(StreamsAppConfig.BATCH_MAX_SIZE, -1)))
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

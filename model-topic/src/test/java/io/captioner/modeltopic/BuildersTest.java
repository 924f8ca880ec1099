package io.captioner.modeltopic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.captioner.schemas.Topics;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Validation that happens in {@code build()}, before any connection is made. */
class BuildersTest {

    private static final Topics TOPICS =
            Topics.create(Map.of("schema.registry.url", "mock://builders-test"));

    @Test
    void shouldRequireNameVersionAndArchitectureInManifestInfo() {
        assertThatThrownBy(
                        () ->
                                ManifestInfo.builder()
                                        .setVersion("v1")
                                        .setArchitecture(TestModels.architecture())
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("modelName");
        assertThatThrownBy(
                        () ->
                                ManifestInfo.builder()
                                        .setModelName("cap")
                                        .setVersion("a/b")
                                        .setArchitecture(TestModels.architecture())
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version");
        assertThatThrownBy(
                        () -> ManifestInfo.builder().setModelName("cap").setVersion("v1").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("architecture");
    }

    @Test
    void shouldKeepOptionalManifestInfoFields() {
        ManifestInfo info =
                ManifestInfo.builder()
                        .setModelName("cap")
                        .setVersion("v2")
                        .setArchitecture(TestModels.architecture())
                        .optParentVersion("v1")
                        .optArtifactFormat("djl-zip")
                        .optMetrics(Map.of("bleu4", 0.3))
                        .build();

        assertThat(info.parentVersion()).contains("v1");
        assertThat(info.artifactFormat()).contains("djl-zip");
        assertThat(info.metrics()).containsEntry("bleu4", 0.3);
        assertThat(info.createdTime()).isEmpty();
    }

    @Test
    void shouldRefuseChunkSizesThatBreakDefaultMessageLimit() {
        assertThatThrownBy(
                        () ->
                                ModelPublisher.builder()
                                        .setBootstrapServers("127.0.0.1:1")
                                        .setTopics(TOPICS)
                                        .optChunkSizeBytes(ModelPublisher.MAX_CHUNK_BYTES + 1)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chunkSize");
        assertThat(ModelPublisher.MAX_CHUNK_BYTES).isLessThan(1024 * 1024 - 64 * 1024);
    }

    @Test
    void shouldRefuseNegativeRetentionAndMissingSettings() {
        assertThatThrownBy(
                        () ->
                                ModelPublisher.builder()
                                        .setBootstrapServers("127.0.0.1:1")
                                        .setTopics(TOPICS)
                                        .optRetainVersions(-1)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("retainVersions");
        assertThatThrownBy(() -> ModelPublisher.builder().setTopics(TOPICS).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bootstrapServers");
        assertThatThrownBy(() -> ModelTopicReader.builder().setBootstrapServers("x:1").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topics");
        assertThatThrownBy(
                        () ->
                                ModelTopicReader.builder()
                                        .setBootstrapServers("x:1")
                                        .setTopics(TOPICS)
                                        .optPollInterval(Duration.ZERO)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pollInterval");
    }
}

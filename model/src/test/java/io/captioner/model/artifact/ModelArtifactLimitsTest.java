package io.captioner.model.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading an artifact puts on the heap only what its limits allow, checked before reading. */
class ModelArtifactLimitsTest {

    @TempDir Path dir;

    @Test
    void shouldRefuseAZipBombBeforeInflatingIt() throws IOException {
        // given: 64 MiB of zeros as weights, about 64 KB on disk
        Path bomb = dir.resolve("bomb.captioner");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(bomb))) {
            put(zip, ModelArtifact.MANIFEST_ENTRY, "{\"formatVersion\":1}".getBytes(UTF8));
            zip.putNextEntry(new ZipEntry(ModelArtifact.WEIGHTS_ENTRY));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        assertThat(Files.size(bomb)).isLessThan(1L << 20);

        // when / then
        assertThatThrownBy(() -> ModelArtifact.read(bomb))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining(ModelArtifact.WEIGHTS_ENTRY)
                .hasMessageContaining("zip bomb");
    }

    @Test
    void shouldRefuseWeightsOverTheLimitWithoutReadingThem() throws IOException {
        Path artifact = dir.resolve("big.captioner");
        byte[] weights = new byte[4096];
        new java.util.Random(3).nextBytes(weights);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(artifact))) {
            put(zip, ModelArtifact.MANIFEST_ENTRY, "{\"formatVersion\":1}".getBytes(UTF8));
            put(zip, ModelArtifact.WEIGHTS_ENTRY, weights);
        }

        assertThatThrownBy(
                        () ->
                                ModelArtifact.read(
                                        artifact,
                                        ModelArtifact.ReadLimits.defaults()
                                                .withMaxWeightsBytes(1024)))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("inflates to 4096 bytes, more than the limit of 1024");
    }

    @Test
    void shouldRefuseAZipWithMoreEntriesThanTheLimit() throws IOException {
        Path crowded = dir.resolve("crowded.captioner");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(crowded))) {
            put(zip, ModelArtifact.MANIFEST_ENTRY, "{\"formatVersion\":1}".getBytes(UTF8));
            for (int i = 0; i < 100; i++) {
                put(zip, "extra-" + i, new byte[] {1});
            }
        }

        assertThatThrownBy(() -> ModelArtifact.read(crowded))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("101 zip entries, more than the 64");
    }

    @Test
    void shouldRejectLimitsTooSmallForTheFormat() {
        assertThatThrownBy(() -> new ModelArtifact.ReadLimits(2, 1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        OutputStream out = zip;
        out.write(bytes);
        zip.closeEntry();
    }
}

package io.captioner.model.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.captioner.model.CaptionResult;
import io.captioner.model.Captioner;
import io.captioner.model.DecodingOptions;
import io.captioner.model.TestModels;
import io.captioner.model.nn.Architecture;
import io.captioner.model.nn.Backbones;
import io.captioner.model.nn.DecoderType;
import io.captioner.model.nn.EncoderType;
import io.captioner.model.nn.TinyCnn;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelArtifactTest {

    private static Captioner captioner;
    private static final List<BufferedImage> IMAGES = TestModels.noiseImages(3, 11);
    private static final DecodingOptions SHORT_GREEDY = DecodingOptions.greedy().withMaxLength(8);
    private static final DecodingOptions SHORT_BEAM =
            DecodingOptions.beam(3).withMaxLength(8).withAlternatives(2);

    @TempDir Path dir;

    @BeforeAll
    static void createModel() {
        captioner = TestModels.randomCaptioner(TestModels.vocabulary(12), 16, 32, 1, 5);
    }

    @AfterAll
    static void closeModel() {
        captioner.close();
    }

    @Test
    void shouldGiveIdenticalCaptionsAfterSaveAndLoad() throws IOException {
        Path file = dir.resolve("model.captioner");
        captioner.withMetrics(Map.of("BLEU_4", 0.25));
        captioner.save(file);

        try (Captioner loaded = Captioner.load(file)) {
            assertThat(loaded.manifest()).isEqualTo(captioner.manifest());
            assertThat(loaded.manifest().metrics()).containsEntry("BLEU_4", 0.25);
            assertThat(loaded.vocabulary().words()).isEqualTo(captioner.vocabulary().words());
            assertThat(loaded.caption(IMAGES, SHORT_GREEDY))
                    .isEqualTo(captioner.caption(IMAGES, SHORT_GREEDY));
            List<CaptionResult> beams = loaded.caption(IMAGES, SHORT_BEAM);
            assertThat(beams).isEqualTo(captioner.caption(IMAGES, SHORT_BEAM));
            assertThat(beams.get(0).alternatives()).hasSize(2);
        }
    }

    @Test
    void shouldKeepTheVersionWhenTheWeightsDoNotChange() throws IOException {
        Path first = dir.resolve("a.captioner");
        Path second = dir.resolve("b.captioner");
        captioner.save(first);
        String version = captioner.manifest().version();
        captioner.save(second);

        assertThat(captioner.manifest().version()).isEqualTo(version);
        assertThat(version).matches("\\d{8}T\\d{6}Z-[0-9a-f]{8}");
        assertThat(version).endsWith(captioner.manifest().weightsSha256().substring(0, 8));
        assertThat(ModelArtifact.read(second).manifest().version()).isEqualTo(version);
    }

    @Test
    void shouldRejectModelWithBadChecksum() throws IOException {
        Path file = dir.resolve("model.captioner");
        captioner.save(file);
        Path tampered = dir.resolve("tampered.captioner");
        rewrite(
                file,
                tampered,
                (name, bytes) -> {
                    if (name.equals(ModelArtifact.WEIGHTS_ENTRY)) {
                        bytes[bytes.length - 1] ^= 0x01;
                    }
                    return bytes;
                });

        assertThatThrownBy(() -> Captioner.load(tampered))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("checksum mismatch")
                .hasMessageContaining("expected " + captioner.manifest().weightsSha256())
                .hasMessageContaining(" got ");
    }

    @Test
    void shouldLoadArtifactsOfTheStridedTinyCnnOfEarlierVersions() throws IOException {
        Engine.getEngine("PyTorch").setRandomSeed(7);
        Architecture strided =
                new Architecture(
                        "tiny-cnn",
                        Backbones.DJL,
                        64,
                        TinyCnn.STRIDED_FEATURE_SIZE,
                        16,
                        32,
                        1,
                        TestModels.vocabulary(12).size());
        Path file = dir.resolve("strided.captioner");
        try (Captioner old = TestModels.randomCaptioner(strided, TestModels.vocabulary(12))) {
            old.save(file);

            try (Captioner loaded = Captioner.load(file)) {
                assertThat(loaded.architecture()).isEqualTo(strided);
                assertThat(loaded.caption(IMAGES, SHORT_GREEDY))
                        .isEqualTo(old.caption(IMAGES, SHORT_GREEDY));
            }
        }
    }

    @Test
    void shouldRejectATinyCnnLayoutItDoesNotKnow() throws IOException {
        Path file = dir.resolve("model.captioner");
        captioner.save(file);
        Path other = dir.resolve("other-layout.captioner");
        rewriteManifest(
                file,
                other,
                manifest -> ((ObjectNode) manifest.get("architecture")).put("featureSize", 4096));

        assertThatThrownBy(() -> Captioner.load(other))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("tiny-cnn has no layout")
                .hasMessageContaining("featureSize 4096");
    }

    @Test
    void shouldGiveIdenticalAttentionCaptionsAfterSaveAndLoad() throws IOException {
        Engine.getEngine("PyTorch").setRandomSeed(9);
        Architecture attention =
                Architecture.of(
                        EncoderType.TINY_CNN,
                        Backbones.DJL,
                        16,
                        32,
                        1,
                        TestModels.vocabulary(12).size(),
                        DecoderType.ATTENTION);
        Path file = dir.resolve("attention.captioner");
        try (Captioner saved = TestModels.randomCaptioner(attention, TestModels.vocabulary(12))) {
            saved.save(file);

            assertThat(ModelArtifact.readManifest(file).architecture().decoder())
                    .isEqualTo("attention");
            try (Captioner loaded = Captioner.load(file)) {
                assertThat(loaded.architecture()).isEqualTo(attention);
                assertThat(loaded.caption(IMAGES, SHORT_GREEDY))
                        .isEqualTo(saved.caption(IMAGES, SHORT_GREEDY));
                assertThat(loaded.caption(IMAGES, SHORT_BEAM))
                        .isEqualTo(saved.caption(IMAGES, SHORT_BEAM));
            }
        }
    }

    @Test
    void shouldLoadAManifestWithoutADecoderAsTheLstmDecoder() throws IOException {
        Path file = dir.resolve("model.captioner");
        captioner.save(file);
        Path old = dir.resolve("before-attention.captioner");
        rewriteManifest(
                file,
                old,
                manifest -> ((ObjectNode) manifest.get("architecture")).remove("decoder"));

        try (Captioner loaded = Captioner.load(old)) {
            assertThat(loaded.architecture().decoder()).isEqualTo("lstm");
            assertThat(loaded.architecture()).isEqualTo(captioner.architecture());
            assertThat(loaded.caption(IMAGES, SHORT_GREEDY))
                    .isEqualTo(captioner.caption(IMAGES, SHORT_GREEDY));
        }
    }

    @Test
    void shouldRejectAnUnknownDecoderNamingIt() throws IOException {
        Path file = dir.resolve("model.captioner");
        captioner.save(file);
        Path other = dir.resolve("other-decoder.captioner");
        rewriteManifest(
                file,
                other,
                manifest ->
                        ((ObjectNode) manifest.get("architecture")).put("decoder", "transformer"));

        assertThatThrownBy(() -> Captioner.load(other))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("invalid manifest")
                .hasMessageContaining("unknown decoder 'transformer'");
    }

    @Test
    void shouldRejectUnknownFormatVersionNamingIt() throws IOException {
        Path file = dir.resolve("model.captioner");
        captioner.save(file);
        Path future = dir.resolve("future.captioner");
        rewriteManifest(file, future, manifest -> manifest.put("formatVersion", 99));

        assertThatThrownBy(() -> Captioner.load(future))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("format version 99")
                .hasMessageContaining("reads version " + ModelArtifact.FORMAT_VERSION);
    }

    @Test
    void shouldRejectAFileThatIsNotAnArtifact() throws IOException {
        Path notZip = dir.resolve("weights.bin");
        Files.write(notZip, new byte[] {1, 2, 3, 4});

        assertThatThrownBy(() -> Captioner.load(notZip))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("not a captioner model artifact");
        assertThatThrownBy(() -> Captioner.load(dir.resolve("missing.captioner")))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void shouldStoreManifestVocabularyAndWeightsAsZipEntries() throws IOException {
        Path file = dir.resolve("model.captioner");
        captioner.save(file);

        Map<String, byte[]> entries = entries(file);

        assertThat(entries.keySet())
                .containsExactly(
                        ModelArtifact.MANIFEST_ENTRY,
                        ModelArtifact.VOCABULARY_ENTRY,
                        ModelArtifact.WEIGHTS_ENTRY);
        String json = new String(entries.get(ModelArtifact.MANIFEST_ENTRY), "UTF-8");
        assertThat(json)
                .contains("\"formatVersion\" : 1")
                .contains("\"encoder\" : \"tiny-cnn\"")
                .contains("0.406")
                .contains(captioner.manifest().weightsSha256());
    }

    @Test
    void shouldReadOnlyTheManifestEvenWhenTheWeightsAreDamaged() throws IOException {
        Path file = dir.resolve("model.captioner");
        captioner.save(file);
        Path tampered = dir.resolve("tampered.captioner");
        rewrite(
                file,
                tampered,
                (name, bytes) ->
                        name.equals(ModelArtifact.WEIGHTS_ENTRY) ? new byte[] {1, 2, 3} : bytes);

        ModelManifest manifest = ModelArtifact.readManifest(tampered);

        assertThat(manifest).isEqualTo(captioner.manifest());
        assertThat(manifest.version()).isNotBlank();
        assertThatThrownBy(() -> ModelArtifact.read(tampered))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("checksum mismatch");
    }

    @Test
    void shouldRejectReadingTheManifestOfAFileThatIsNotAnArtifact() throws IOException {
        Path notZip = Files.write(dir.resolve("weights.bin"), new byte[] {1, 2, 3, 4});
        Path zipWithoutManifest = dir.resolve("other.zip");
        rewrite(
                writeSaved(dir.resolve("model.captioner")),
                zipWithoutManifest,
                (name, bytes) -> bytes);
        removeEntry(zipWithoutManifest, ModelArtifact.MANIFEST_ENTRY);

        assertThatThrownBy(() -> ModelArtifact.readManifest(notZip))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("not a captioner model artifact");
        assertThatThrownBy(() -> ModelArtifact.readManifest(zipWithoutManifest))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("no " + ModelArtifact.MANIFEST_ENTRY);
        assertThatThrownBy(() -> ModelArtifact.readManifest(dir.resolve("missing.captioner")))
                .isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> ModelArtifact.readManifest(dir))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("not a regular file");
    }

    private static Path writeSaved(Path file) throws IOException {
        captioner.save(file);
        return file;
    }

    private static void removeEntry(Path file, String entry) throws IOException {
        Map<String, byte[]> entries = entries(file);
        entries.remove(entry);
        try (OutputStream out = Files.newOutputStream(file);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
    }

    private interface EntryRewriter {
        byte[] apply(String name, byte[] bytes) throws IOException;
    }

    /** Copies an artifact with its manifest JSON edited, as another build might write it. */
    private static void rewriteManifest(
            Path from, Path to, java.util.function.Consumer<ObjectNode> edit) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        rewrite(
                from,
                to,
                (name, bytes) -> {
                    if (!name.equals(ModelArtifact.MANIFEST_ENTRY)) {
                        return bytes;
                    }
                    ObjectNode manifest = (ObjectNode) mapper.readTree(bytes);
                    edit.accept(manifest);
                    return mapper.writeValueAsBytes(manifest);
                });
    }

    private static void rewrite(Path from, Path to, EntryRewriter rewriter) throws IOException {
        Map<String, byte[]> entries = entries(from);
        try (OutputStream out = Files.newOutputStream(to);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(rewriter.apply(e.getKey(), e.getValue()));
                zip.closeEntry();
            }
        }
    }

    private static Map<String, byte[]> entries(Path file) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(file);
                ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                entries.put(entry.getName(), zip.readAllBytes());
            }
        }
        return entries;
    }
}

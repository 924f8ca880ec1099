package io.captioner.cli;

import io.captioner.model.AttentionMap;
import io.captioner.model.CaptionResult;
import io.captioner.model.Captioner;
import io.captioner.model.nn.DecoderType;
import io.captioner.model.text.Tokenizer;
import io.captioner.modeltopic.ChunkStorage;
import io.captioner.modeltopic.ModelCatalog;
import io.captioner.modeltopic.ModelTopicReader;
import io.captioner.modeltopic.ModelVerificationException;
import io.captioner.modeltopic.VerifiedArtifact;
import io.captioner.schemas.Topics;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * Where the served attention model looked for each word: fetches a version from the models topic
 * (verified, as the streams app loads it) and recomputes the attention weights of the captions it
 * wrote, for the demo report's overlays. LSTM versions have none.
 */
final class DemoAttention {

    private static final int BATCH = 16;

    private DemoAttention() {}

    /**
     * The attention maps of {@code captions} (image id to caption text, images as PNG bytes by id)
     * under {@code version}, or an empty map when that version uses the LSTM decoder.
     */
    static Map<String, AttentionMap> of(
            String bootstrap,
            Topics topics,
            String modelName,
            String version,
            Map<String, String> captions,
            Map<String, byte[]> pngs,
            Path workDir)
            throws IOException, ModelVerificationException {
        Files.createDirectories(workDir);
        Optional<VerifiedArtifact> artifact;
        try (ModelCatalog catalog =
                ModelTopicReader.builder()
                        .setBootstrapServers(bootstrap)
                        .setTopics(topics)
                        .optChunkStorage(ChunkStorage.SPOOL)
                        .optWorkDirectory(workDir.resolve("spool"))
                        .build()
                        .readToEnd()) {
            artifact = catalog.assemble(modelName, version, workDir.resolve("attention.artifact"));
        }
        if (artifact.isEmpty()) {
            return Map.of();
        }
        try (Captioner model = Captioner.load(artifact.get().path())) {
            if (model.architecture().decoderType() != DecoderType.ATTENTION) {
                return Map.of();
            }
            Map<String, AttentionMap> maps = new LinkedHashMap<>();
            List<String> ids = new ArrayList<>(captions.keySet());
            for (int from = 0; from < ids.size(); from += BATCH) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + BATCH));
                List<BufferedImage> images = new ArrayList<>();
                List<CaptionResult> results = new ArrayList<>();
                for (String id : chunk) {
                    images.add(ImageIO.read(new ByteArrayInputStream(pngs.get(id))));
                    String text = captions.get(id);
                    results.add(new CaptionResult(text, Tokenizer.tokenize(text), 0, List.of()));
                }
                List<AttentionMap> computed = model.attention(images, results);
                for (int i = 0; i < chunk.size(); i++) {
                    maps.put(chunk.get(i), computed.get(i));
                }
            }
            return maps;
        } finally {
            Files.deleteIfExists(artifact.get().path());
        }
    }
}

package io.captioner.model.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists one of Karpathy's split files ({@code dataset_coco.json}, {@code dataset_flickr8k.json},
 * {@code dataset_flickr30k.json}), the splits most captioning papers report on, streaming the JSON.
 *
 * <p>Each element of {@code images} has {@code filename}, an optional {@code filepath} (COCO's
 * {@code train2014}/{@code val2014}), {@code split} and {@code sentences[].raw} (or only {@code
 * tokens}, joined by spaces). The file is {@code IMAGEDIR/filepath/filename}, or {@code
 * IMAGEDIR/filename} when only that exists (all images in one folder). Splits: {@code train} and
 * {@code restval} are training, {@code val} validation, {@code test} test. The image id is the file
 * name, as for the Flickr and COCO readers; the dataset's name is the file's {@code dataset} field.
 */
public final class KarpathySplits {

    private static final Logger LOG = LoggerFactory.getLogger(KarpathySplits.class);

    private KarpathySplits() {}

    /**
     * Lists the images of {@code splitFile} with their files under {@code imagesDir}.
     *
     * @throws DatasetException when a file or folder is missing, the JSON is not a split file, or
     *     it lists no image
     */
    public static DatasetListing list(Path splitFile, Path imagesDir) {
        if (!Files.isDirectory(imagesDir)) {
            throw new DatasetException("image directory does not exist: " + imagesDir);
        }
        Map<String, DatasetEntry> entries = new TreeMap<>();
        List<DatasetListing.Problem> problems = new ArrayList<>();
        Map<String, String> scalars = new HashMap<>();
        String where = splitFile.getFileName().toString();
        JsonArrays.read(
                splitFile,
                Map.of(
                        "images",
                        image -> {
                            String name = JsonArrays.text(image, "filename");
                            if (name == null || !Flickr8kLayout.isPlainFileName(name)) {
                                problems.add(
                                        new DatasetListing.Problem(
                                                where, "image without a plain filename"));
                                return;
                            }
                            List<String> captions = sentences(image);
                            if (captions.isEmpty()) {
                                problems.add(
                                        new DatasetListing.Problem(
                                                where, "image " + name + " has no sentence"));
                                return;
                            }
                            if (entries.containsKey(name)) {
                                problems.add(
                                        new DatasetListing.Problem(
                                                where, "image " + name + " is listed twice"));
                                return;
                            }
                            String split = JsonArrays.text(image, "split");
                            Optional<DatasetSplit> hint = DatasetSplit.ofKarpathy(split);
                            if (split != null && hint.isEmpty()) {
                                problems.add(
                                        new DatasetListing.Problem(
                                                where,
                                                "image "
                                                        + name
                                                        + " has unknown split '"
                                                        + split
                                                        + "'; listed without one"));
                            }
                            entries.put(
                                    name,
                                    new DatasetEntry(
                                            name,
                                            file(
                                                    imagesDir,
                                                    JsonArrays.text(image, "filepath"),
                                                    name),
                                            captions,
                                            hint));
                        }),
                scalars);
        if (entries.isEmpty()) {
            throw new DatasetException(
                    splitFile + " lists no image (is it a Karpathy dataset_*.json split file?)");
        }
        if (!problems.isEmpty()) {
            LOG.warn(
                    "left out {} records of {} (first: {})",
                    problems.size(),
                    where,
                    problems.get(0));
        }
        String dataset = scalars.getOrDefault("dataset", "karpathy");
        return new DatasetListing(
                dataset, imagesDir.toString(), new ArrayList<>(entries.values()), problems);
    }

    private static List<String> sentences(JsonNode image) {
        List<String> captions = new ArrayList<>();
        JsonNode sentences = image.get("sentences");
        if (sentences == null || !sentences.isArray()) {
            return captions;
        }
        for (JsonNode sentence : sentences) {
            String raw = JsonArrays.text(sentence, "raw");
            if (raw == null && sentence.get("tokens") != null) {
                List<String> tokens = new ArrayList<>();
                sentence.get("tokens").forEach(t -> tokens.add(t.asText()));
                raw = String.join(" ", tokens);
            }
            if (raw != null) {
                captions.add(raw.strip());
            }
        }
        return captions;
    }

    private static Path file(Path imagesDir, String filepath, String name) {
        if (filepath == null || filepath.isBlank()) {
            return imagesDir.resolve(name);
        }
        Path nested = imagesDir.resolve(filepath).resolve(name);
        Path flat = imagesDir.resolve(name);
        return !Files.exists(nested) && Files.exists(flat) ? flat : nested;
    }
}

package io.captioner.model.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists a COCO captions annotation file ({@code annotations/captions_train2014.json} and friends)
 * with its image folder, streaming the JSON so the 90 MB training file needs no more memory than
 * its captions.
 *
 * <p>The file is an object with {@code images} ({@code id}, {@code file_name}) and {@code
 * annotations} ({@code image_id}, {@code caption}); image ids are the file names, so a COCO image
 * gets the same id from this reader and from Karpathy's split file. The split comes from the file
 * name: {@code captions_train*.json} is training, {@code captions_val*.json} validation, anything
 * else assigns none. Annotations of an unknown image and images without any caption (COCO's test
 * sets are published without captions) are left out and reported in the listing's problems.
 */
public final class CocoCaptions {

    private static final Logger LOG = LoggerFactory.getLogger(CocoCaptions.class);
    private static final Pattern CAPTIONS_FILE =
            Pattern.compile("captions_([a-z]+)(\\d*)\\.json", Pattern.CASE_INSENSITIVE);

    private CocoCaptions() {}

    /**
     * The image folder COCO's own layout puts beside {@code annotations/}: {@code
     * annotations/captions_val2014.json} has its images in {@code val2014/}.
     *
     * @throws DatasetException when the file name is not {@code captions_<split>.json}
     */
    public static Path defaultImagesDir(Path annotations) {
        Matcher m = CAPTIONS_FILE.matcher(annotations.getFileName().toString());
        Path parent = annotations.toAbsolutePath().getParent();
        if (!m.matches() || parent == null || parent.getParent() == null) {
            throw new DatasetException(
                    "cannot tell the image folder of "
                            + annotations
                            + ": give it as coco:ANNOTATIONS.json:IMAGEDIR");
        }
        return parent.getParent().resolve(m.group(1) + m.group(2));
    }

    /**
     * Lists the captioned images of {@code annotations} with their files in {@code imagesDir}.
     *
     * @throws DatasetException when a file or folder is missing, the JSON is not COCO's, or it
     *     holds no caption
     */
    public static DatasetListing list(Path annotations, Path imagesDir) {
        if (!Files.isDirectory(imagesDir)) {
            throw new DatasetException("image directory does not exist: " + imagesDir);
        }
        Map<Long, String> fileNames = new HashMap<>();
        Map<Long, List<String>> captions = new LinkedHashMap<>();
        List<DatasetListing.Problem> problems = new ArrayList<>();
        String where = annotations.getFileName().toString();
        JsonArrays.read(
                annotations,
                Map.of(
                        "images",
                        image -> {
                            String name = JsonArrays.text(image, "file_name");
                            JsonNode id = image.get("id");
                            if (name == null
                                    || id == null
                                    || !id.canConvertToLong()
                                    || !Flickr8kLayout.isPlainFileName(name)) {
                                problems.add(
                                        new DatasetListing.Problem(
                                                where, "image without id or file_name: " + image));
                                return;
                            }
                            fileNames.put(id.asLong(), name);
                        },
                        "annotations",
                        annotation -> {
                            JsonNode id = annotation.get("image_id");
                            String caption = JsonArrays.text(annotation, "caption");
                            if (id == null || !id.canConvertToLong() || caption == null) {
                                problems.add(
                                        new DatasetListing.Problem(
                                                where,
                                                "annotation without image_id or caption: "
                                                        + annotation));
                                return;
                            }
                            captions.computeIfAbsent(id.asLong(), k -> new ArrayList<>())
                                    .add(caption.strip());
                        }),
                new HashMap<>());
        if (captions.isEmpty()) {
            throw new DatasetException(
                    annotations
                            + " holds no caption annotations (is it a captions_*.json file? the"
                            + " image_info_test*.json files have none)");
        }
        Optional<DatasetSplit> split = splitOf(annotations);
        Map<String, DatasetEntry> entries = new TreeMap<>();
        for (Map.Entry<Long, List<String>> e : captions.entrySet()) {
            String name = fileNames.get(e.getKey());
            if (name == null) {
                problems.add(
                        new DatasetListing.Problem(
                                where,
                                e.getValue().size()
                                        + " captions of unknown image id "
                                        + e.getKey()));
                continue;
            }
            entries.put(name, new DatasetEntry(name, imagesDir.resolve(name), e.getValue(), split));
        }
        for (Map.Entry<Long, String> image : fileNames.entrySet()) {
            if (!captions.containsKey(image.getKey())) {
                problems.add(
                        new DatasetListing.Problem(
                                where, "image " + image.getValue() + " has no caption"));
            }
        }
        if (!problems.isEmpty()) {
            LOG.warn(
                    "left out {} records of {} (first: {})",
                    problems.size(),
                    where,
                    problems.get(0));
        }
        return new DatasetListing(
                "coco", imagesDir.toString(), new ArrayList<>(entries.values()), problems);
    }

    private static Optional<DatasetSplit> splitOf(Path annotations) {
        Matcher m = CAPTIONS_FILE.matcher(annotations.getFileName().toString());
        if (!m.matches()) {
            return Optional.empty();
        }
        switch (m.group(1).toLowerCase(Locale.ROOT)) {
            case "train":
                return Optional.of(DatasetSplit.TRAIN);
            case "val":
                return Optional.of(DatasetSplit.VALIDATION);
            default:
                return Optional.empty();
        }
    }
}

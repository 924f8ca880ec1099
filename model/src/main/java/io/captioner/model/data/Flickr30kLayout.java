package io.captioner.model.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * Lists Flickr30k as it is distributed: the Kaggle {@code results.csv} or the original {@code
 * results_20130124.token}, with the images in a folder beside it.
 *
 * <p>{@code results.csv} is not a CSV file: its header is {@code image_name| comment_number|
 * comment}, fields are separated by {@code |} followed by a space, and nothing is quoted (captions
 * contain commas and quotes as they are). The file in the wild has malformed rows: one lacks the
 * {@code |} after the comment number ({@code 2199200615.jpg| 4 A dog runs across the grass .}),
 * which is read as comment 4; rows that cannot be read at all are left out and reported in the
 * listing's problems, not fatal. The token file has rows {@code image#n<TAB>caption} like
 * Flickr8k's.
 *
 * <p>Where things are looked for, relative to the given directory {@code DIR}: the captions file in
 * {@code DIR} or {@code DIR/flickr30k_images} (the Kaggle archive's outer folder), and the images
 * in {@code flickr30k_images}, {@code flickr30k-images} or {@code Images} beside the captions file.
 */
public final class Flickr30kLayout {

    /** Captions file of the Kaggle distribution. */
    public static final String RESULTS_CSV = "results.csv";

    /** Captions file of the original distribution. */
    public static final String TOKEN_FILE = "results_20130124.token";

    private static final Logger LOG = LoggerFactory.getLogger(Flickr30kLayout.class);
    private static final String HEADER = "image_name|comment_number|comment";
    private static final Pattern NUMBER_THEN_TEXT = Pattern.compile("\\s*(\\d+)\\s+(.*)");
    private static final List<String> IMAGE_DIRS =
            List.of("flickr30k_images", "flickr30k-images", "Images");

    private Flickr30kLayout() {}

    /**
     * Lists the images and captions under {@code dir} without opening an image.
     *
     * @throws DatasetException for a missing directory, captions file or images folder, a wrong
     *     header, or a file without a single readable row
     */
    public static DatasetListing list(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new DatasetException("dataset directory does not exist: " + dir);
        }
        Path captions = captionsFile(dir);
        Path imagesDir = imagesDir(captions.getParent(), dir);
        List<DatasetListing.Problem> problems = new ArrayList<>();
        Map<String, List<String>> byImage =
                captions.getFileName().toString().equals(RESULTS_CSV)
                        ? readResultsCsv(captions, problems)
                        : readTokenFile(captions, problems);
        if (byImage.isEmpty()) {
            throw new DatasetException(
                    captions + " lists no readable caption (" + problems.size() + " bad rows)");
        }
        if (!problems.isEmpty()) {
            LOG.warn(
                    "left out {} unreadable rows of {} (first: {})",
                    problems.size(),
                    captions,
                    problems.get(0));
        }
        List<DatasetEntry> entries = new ArrayList<>(byImage.size());
        byImage.forEach(
                (image, texts) ->
                        entries.add(
                                new DatasetEntry(
                                        image, imagesDir.resolve(image), texts, Optional.empty())));
        return new DatasetListing("flickr30k", imagesDir.toString(), entries, problems);
    }

    private static Path captionsFile(Path dir) {
        for (Path candidate :
                List.of(
                        dir.resolve(RESULTS_CSV),
                        dir.resolve("flickr30k_images").resolve(RESULTS_CSV),
                        dir.resolve(TOKEN_FILE),
                        dir.resolve("flickr30k").resolve(TOKEN_FILE))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new DatasetException(
                "no captions in " + dir + ": expected " + RESULTS_CSV + " or " + TOKEN_FILE);
    }

    private static Path imagesDir(Path captionsDir, Path dir) {
        for (Path base : List.of(captionsDir, dir)) {
            for (String name : IMAGE_DIRS) {
                Path candidate = base.resolve(name);
                if (Files.isDirectory(candidate)) {
                    return candidate;
                }
            }
        }
        throw new DatasetException(
                "no images directory in "
                        + captionsDir
                        + ": expected "
                        + captionsDir.resolve(IMAGE_DIRS.get(0)));
    }

    private static Map<String, List<String>> readResultsCsv(
            Path file, List<DatasetListing.Problem> problems) {
        Map<String, List<String>> byImage = new TreeMap<>();
        boolean[] headerSeen = {false};
        CaptionLines.read(
                file,
                (line, lineNo) -> {
                    if (!headerSeen[0]) {
                        String normalized = line.replaceAll("\\s", "").toLowerCase(Locale.ROOT);
                        if (!normalized.equals(HEADER)) {
                            throw new DatasetException(
                                    file
                                            + " line "
                                            + lineNo
                                            + ": expected header 'image_name| comment_number|"
                                            + " comment' but found '"
                                            + line
                                            + "'");
                        }
                        headerSeen[0] = true;
                        return;
                    }
                    String[] fields = line.split("\\|", 3);
                    String image = fields[0].strip();
                    String caption;
                    if (fields.length == 3 && isNumber(fields[1])) {
                        caption = fields[2].strip();
                    } else if (fields.length == 2 && recoverable(fields[1]) != null) {
                        caption = recoverable(fields[1]);
                    } else {
                        problems.add(
                                problem(
                                        file,
                                        lineNo,
                                        "expected 'image_name| comment_number| comment' in '"
                                                + line
                                                + "'"));
                        return;
                    }
                    if (!Flickr8kLayout.isPlainFileName(image)) {
                        problems.add(
                                problem(
                                        file,
                                        lineNo,
                                        "image '" + image + "' is not a plain file name"));
                        return;
                    }
                    byImage.computeIfAbsent(image, k -> new ArrayList<>()).add(caption);
                });
        return byImage;
    }

    private static Map<String, List<String>> readTokenFile(
            Path file, List<DatasetListing.Problem> problems) {
        Map<String, List<String>> byImage = new TreeMap<>();
        CaptionLines.read(
                file,
                (line, lineNo) -> {
                    int tab = line.indexOf('\t');
                    int hash = tab < 0 ? -1 : line.lastIndexOf('#', tab);
                    String image = hash < 0 ? "" : line.substring(0, hash).strip();
                    if (tab < 0 || hash < 0 || !Flickr8kLayout.isPlainFileName(image)) {
                        problems.add(
                                problem(
                                        file,
                                        lineNo,
                                        "expected 'image#n<TAB>caption' in '" + line + "'"));
                        return;
                    }
                    byImage.computeIfAbsent(image, k -> new ArrayList<>())
                            .add(line.substring(tab + 1).strip());
                });
        return byImage;
    }

    private static DatasetListing.Problem problem(Path file, int lineNo, String message) {
        return new DatasetListing.Problem(file.getFileName() + " line " + lineNo, message);
    }

    private static boolean isNumber(String field) {
        String s = field.strip();
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }

    /** The caption of a {@code 4 A dog ...} field that lost its {@code |}, or null. */
    private static String recoverable(String field) {
        Matcher m = NUMBER_THEN_TEXT.matcher(field);
        return m.matches() ? m.group(2).strip() : null;
    }
}

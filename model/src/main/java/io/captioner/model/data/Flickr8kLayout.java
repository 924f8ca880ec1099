package io.captioner.model.data;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes datasets in the Flickr8k layout, so real Flickr8k and exported synthetic data go
 * through the same code path.
 *
 * <p>The layout is the Kaggle one: {@code DIR/Images/*.jpg} and {@code DIR/captions.txt}, a CSV
 * file with the header {@code image,caption} and one {@code image,caption} row per caption;
 * captions containing commas or quotes are quoted CSV-style. Reading also accepts the original
 * distribution: {@code Flickr8k.token.txt} rows {@code image#n<TAB>caption} (in {@code DIR} or
 * {@code DIR/Flickr8k_text}) with images in {@code DIR/Flicker8k_Dataset} or {@code
 * DIR/Flickr8k_Dataset}.
 *
 * <p>A missing directory or captions file and any malformed row fail the whole read with a {@link
 * DatasetException} naming the file and line. Images that are listed but absent or cannot be
 * decoded are skipped, reported in the {@link ImportResult} and logged as one WARN line with the
 * counts: the original Flickr8k token file lists an image that does not exist, and one bad JPEG
 * should not sink a training run. Images are decoded with {@link ImageDecoder} (EXIF orientation
 * applied, always {@code TYPE_INT_RGB}), the same decoder the streaming path uses.
 */
public final class Flickr8kLayout {

    /** Folder of image files in the Kaggle layout. */
    public static final String IMAGES_DIR = "Images";

    /** Captions file in the Kaggle layout. */
    public static final String CAPTIONS_FILE = "captions.txt";

    /** Captions file of the original Flickr8k distribution. */
    public static final String TOKEN_FILE = "Flickr8k.token.txt";

    /** Header line of {@link #CAPTIONS_FILE}. */
    public static final String HEADER = "image,caption";

    private static final Logger LOG = LoggerFactory.getLogger(Flickr8kLayout.class);
    private static final float JPEG_QUALITY = 0.95f;
    private static final List<String> IMAGE_DIR_CANDIDATES =
            List.of(
                    IMAGES_DIR,
                    "Flicker8k_Dataset",
                    "Flickr8k_Dataset",
                    "Flickr8k_Dataset/Flicker8k_Dataset",
                    "Flickr8k_Dataset/Flickr8k_Dataset");

    private Flickr8kLayout() {}

    /**
     * Writes images as {@code DIR/Images/<id>.jpg} (the id is kept as is when it already ends in
     * {@code .jpg} or {@code .jpeg}) and all captions to {@code DIR/captions.txt}, replacing an
     * existing captions file. Images are consumed one at a time, so a lazy stream of any size can
     * be exported.
     *
     * @throws IllegalArgumentException for an id that is not a plain file name, a duplicate id or a
     *     caption with a line break
     * @throws DatasetException when a file cannot be written
     */
    public static ExportSummary export(Iterable<CaptionedImage> images, Path dir) {
        Path imagesDir = dir.resolve(IMAGES_DIR);
        Path captionsTmp = dir.resolve(CAPTIONS_FILE + ".tmp");
        int imageCount = 0;
        int captionCount = 0;
        Set<String> seen = new HashSet<>();
        try {
            Files.createDirectories(imagesDir);
            try (BufferedWriter out =
                    Files.newBufferedWriter(captionsTmp, StandardCharsets.UTF_8)) {
                out.write(HEADER);
                out.write('\n');
                for (CaptionedImage image : images) {
                    String fileName = fileName(image.id());
                    if (!seen.add(fileName)) {
                        throw new IllegalArgumentException("duplicate image id " + image.id());
                    }
                    writeJpeg(image.image(), imagesDir.resolve(fileName));
                    for (String caption : image.captions()) {
                        if (caption.indexOf('\n') >= 0 || caption.indexOf('\r') >= 0) {
                            throw new IllegalArgumentException(
                                    "caption of "
                                            + image.id()
                                            + " contains a line break: "
                                            + caption);
                        }
                        out.write(csvField(fileName));
                        out.write(',');
                        out.write(csvField(caption));
                        out.write('\n');
                        captionCount++;
                    }
                    imageCount++;
                }
            }
            Files.move(
                    captionsTmp,
                    dir.resolve(CAPTIONS_FILE),
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DatasetException(
                    "cannot export dataset to " + dir + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(captionsTmp);
            } catch (IOException e) {
                LOG.warn("cannot delete temporary file {}: {}", captionsTmp, e.toString());
            }
        }
        return new ExportSummary(imageCount, captionCount, dir);
    }

    /**
     * Reads up to {@code maxImages} images with their captions, in file-name order, skipping (and
     * reporting) listed images that are missing or undecodable until {@code maxImages} are loaded
     * or the list is exhausted.
     *
     * @throws IllegalArgumentException when {@code maxImages < 1}
     * @throws DatasetException for a missing directory or captions file, a malformed row, or when
     *     not a single image could be loaded
     */
    public static ImportResult read(Path dir, int maxImages) {
        if (maxImages < 1) {
            throw new IllegalArgumentException("maxImages must be >= 1, was " + maxImages);
        }
        return ListingLoader.load(list(dir), maxImages, Optional.empty());
    }

    /**
     * Lists the images and captions of a dataset directory without opening an image: entries in
     * file-name order, each pointing at its expected file in the images directory.
     *
     * @throws DatasetException for a missing directory, captions file or images directory, or a
     *     malformed row
     */
    public static DatasetListing list(Path dir) {
        Map<String, List<String>> captions = readCaptions(dir);
        Path imagesDir = imagesDir(dir);
        List<DatasetEntry> entries = new ArrayList<>(captions.size());
        for (Map.Entry<String, List<String>> entry : captions.entrySet()) {
            entries.add(
                    new DatasetEntry(
                            entry.getKey(),
                            imagesDir.resolve(entry.getKey()),
                            entry.getValue(),
                            Optional.empty()));
        }
        return new DatasetListing("flickr8k", imagesDir.toString(), entries, List.of());
    }

    /**
     * Reads and validates the captions file of a dataset directory, grouped per image file name in
     * sorted order, each image's captions in file order.
     *
     * @throws DatasetException for a missing captions file or a malformed row
     */
    public static Map<String, List<String>> readCaptions(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new DatasetException("dataset directory does not exist: " + dir);
        }
        Path csv = dir.resolve(CAPTIONS_FILE);
        if (Files.isRegularFile(csv)) {
            return parse(csv, true);
        }
        for (Path token :
                List.of(
                        dir.resolve(TOKEN_FILE),
                        dir.resolve("Flickr8k_text").resolve(TOKEN_FILE))) {
            if (Files.isRegularFile(token)) {
                return parse(token, false);
            }
        }
        throw new DatasetException(
                "no captions in " + dir + ": expected " + CAPTIONS_FILE + " or " + TOKEN_FILE);
    }

    private static Map<String, List<String>> parse(Path file, boolean csv) {
        Map<String, List<String>> byImage = new TreeMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            boolean headerSeen = !csv;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                    line = line.substring(1);
                }
                if (line.isBlank()) {
                    continue;
                }
                if (!headerSeen) {
                    if (!line.strip().toLowerCase(Locale.ROOT).equals(HEADER)) {
                        throw new DatasetException(
                                file
                                        + " line "
                                        + lineNo
                                        + ": expected header '"
                                        + HEADER
                                        + "' but found '"
                                        + line
                                        + "'");
                    }
                    headerSeen = true;
                    continue;
                }
                String[] row =
                        csv ? parseCsvRow(line, file, lineNo) : parseTokenRow(line, file, lineNo);
                String image = row[0].strip();
                String caption = row[1].strip();
                if (image.isEmpty() || caption.isEmpty()) {
                    throw new DatasetException(
                            file
                                    + " line "
                                    + lineNo
                                    + ": empty "
                                    + (image.isEmpty() ? "image" : "caption")
                                    + " in '"
                                    + line
                                    + "'");
                }
                if (!isPlainFileName(image)) {
                    throw new DatasetException(
                            file
                                    + " line "
                                    + lineNo
                                    + ": image '"
                                    + image
                                    + "' is not a plain file name");
                }
                byImage.computeIfAbsent(image, k -> new ArrayList<>()).add(caption);
            }
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (byImage.isEmpty()) {
            throw new DatasetException(file + " lists no captions");
        }
        return new LinkedHashMap<>(byImage);
    }

    /**
     * Parses {@code image,caption}. The image field may be quoted; an unquoted caption is the rest
     * of the line, commas included, which tolerates writers that did not quote.
     */
    private static String[] parseCsvRow(String line, Path file, int lineNo) {
        int pos = 0;
        String image;
        if (line.startsWith("\"")) {
            int[] end = new int[1];
            image = readQuoted(line, 0, end, file, lineNo);
            pos = end[0];
            if (pos >= line.length() || line.charAt(pos) != ',') {
                throw badRow(file, lineNo, line, "expected ',' after the quoted image name");
            }
        } else {
            pos = line.indexOf(',');
            if (pos < 0) {
                throw badRow(file, lineNo, line, "expected 'image,caption'");
            }
            image = line.substring(0, pos);
        }
        String rest = line.substring(pos + 1);
        String caption;
        if (rest.stripLeading().startsWith("\"")) {
            int start = rest.indexOf('"');
            int[] end = new int[1];
            caption = readQuoted(rest, start, end, file, lineNo);
            if (!rest.substring(end[0]).isBlank()) {
                throw badRow(file, lineNo, line, "unexpected text after the closing quote");
            }
        } else {
            caption = rest;
        }
        return new String[] {image, caption};
    }

    /** Reads a quoted CSV field starting at {@code start}; {@code end[0]} is set past it. */
    private static String readQuoted(String s, int start, int[] end, Path file, int lineNo) {
        StringBuilder b = new StringBuilder();
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"') {
                if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
                    b.append('"');
                    i += 2;
                    continue;
                }
                end[0] = i + 1;
                return b.toString();
            }
            b.append(c);
            i++;
        }
        throw badRow(file, lineNo, s, "unterminated quoted field");
    }

    private static String[] parseTokenRow(String line, Path file, int lineNo) {
        int tab = line.indexOf('\t');
        int hash = tab < 0 ? -1 : line.lastIndexOf('#', tab);
        if (tab < 0 || hash < 0) {
            throw badRow(file, lineNo, line, "expected 'image#n<TAB>caption'");
        }
        return new String[] {line.substring(0, hash), line.substring(tab + 1)};
    }

    private static DatasetException badRow(Path file, int lineNo, String line, String why) {
        return new DatasetException(file + " line " + lineNo + ": " + why + " in '" + line + "'");
    }

    private static Path imagesDir(Path dir) {
        for (String candidate : IMAGE_DIR_CANDIDATES) {
            Path p = dir.resolve(candidate);
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new DatasetException(
                "no images directory in " + dir + ": expected " + dir.resolve(IMAGES_DIR));
    }

    private static BufferedImage toRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage rgb =
                new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return rgb;
    }

    private static void writeJpeg(BufferedImage image, Path file) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (OutputStream os = Files.newOutputStream(file);
                ImageOutputStream out = new MemoryCacheImageOutputStream(os)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(JPEG_QUALITY);
            writer.setOutput(out);
            writer.write(null, new IIOImage(toRgb(image), null, null), param);
        } finally {
            writer.dispose();
        }
    }

    private static String fileName(String id) {
        if (!isPlainFileName(id)) {
            throw new IllegalArgumentException("image id is not a plain file name: '" + id + "'");
        }
        String lower = id.toLowerCase(Locale.ROOT);
        return lower.endsWith(".jpg") || lower.endsWith(".jpeg") ? id : id + ".jpg";
    }

    static boolean isPlainFileName(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\' || c < 0x20 || c == '\t') {
                return false;
            }
        }
        return true;
    }

    private static String csvField(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.strip().equals(value)) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}

package io.captioner.training.data;

import io.captioner.events.LabeledPair;
import io.captioner.model.image.DecodedImage;
import io.captioner.model.image.ImageDecoder;
import io.captioner.model.image.ImageDecodingException;
import io.captioner.model.image.ImagePreprocessor;
import io.captioner.schemas.EventValidation;
import io.captioner.schemas.InvalidEventException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Turns a labeled pair into a dataset entry, decoding and resizing its image into the {@link
 * ImageCache} unless an image with the same bytes is already there, or says why the pair is
 * skipped. Thread-compatible; used by the ingest thread only.
 */
public final class PairIngestor {

    /** A pair taken into the dataset or skipped with a reason and a message. */
    public record Outcome(PairEntry entry, SkipReason reason, String message) {
        static Outcome skip(SkipReason reason, String message) {
            return new Outcome(null, reason, message);
        }

        /** Whether the pair was taken. */
        public boolean accepted() {
            return entry != null;
        }
    }

    private final ImageCache cache;
    private final ImageDecoder decoder;
    private final ImagePreprocessor preprocessor;
    private final long maxImageBytes;
    private final int maxCaptionChars;
    private final List<Path> allowedDirectories;

    /**
     * An ingestor writing into {@code cache}.
     *
     * @param maxImageBytes largest encoded image
     * @param maxCaptionChars longest caption, in characters
     * @param allowedDirectories directories {@code file:} URIs may point into (absolute,
     *     normalized); empty refuses every URI
     */
    public PairIngestor(
            ImageCache cache,
            long maxImageBytes,
            int maxCaptionChars,
            List<Path> allowedDirectories) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.maxImageBytes = maxImageBytes;
        this.maxCaptionChars = maxCaptionChars;
        this.allowedDirectories = List.copyOf(allowedDirectories);
        this.decoder = ImageDecoder.builder().optMaxBytes(maxImageBytes).build();
        this.preprocessor = ImagePreprocessor.imagenet(cache.size());
    }

    /** Validates {@code pair}, caches its image and returns its entry, or why it was skipped. */
    public Outcome ingest(LabeledPair pair) {
        List<String> references = pair.getReferences();
        if (references == null
                || references.isEmpty()
                || references.stream().anyMatch(r -> r == null || r.isBlank())) {
            return Outcome.skip(SkipReason.EMPTY_CAPTION, "no or a blank reference caption");
        }
        for (String reference : references) {
            if (reference.length() > maxCaptionChars) {
                return Outcome.skip(
                        SkipReason.CAPTION_TOO_LONG,
                        "a caption of " + reference.length() + " characters > " + maxCaptionChars);
            }
        }
        try {
            EventValidation.validate(pair);
        } catch (InvalidEventException e) {
            return Outcome.skip(SkipReason.INVALID_RECORD, e.getMessage());
        }
        byte[] bytes;
        if (pair.getImageBytes() != null) {
            ByteBuffer buffer = pair.getImageBytes().duplicate();
            bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
        } else {
            Outcome refused = null;
            Path file = null;
            try {
                file = allowedFile(pair.getImageUri());
            } catch (IllegalArgumentException e) {
                refused = Outcome.skip(SkipReason.FORBIDDEN_URI, e.getMessage());
            }
            if (refused != null) {
                return refused;
            }
            try {
                if (Files.size(file) > maxImageBytes) {
                    return Outcome.skip(
                            SkipReason.OVERSIZED_IMAGE,
                            "image file of " + Files.size(file) + " bytes > " + maxImageBytes);
                }
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                return Outcome.skip(SkipReason.FETCH_FAILED, "cannot read " + file + ": " + e);
            }
        }
        if (bytes.length > maxImageBytes) {
            return Outcome.skip(
                    SkipReason.OVERSIZED_IMAGE,
                    "image of " + bytes.length + " bytes > " + maxImageBytes);
        }
        String sha = sha256(bytes);
        if (!cache.contains(sha)) {
            try {
                DecodedImage decoded = decoder.decode(bytes, preprocessor.minDecodeShortSide());
                cache.put(sha, preprocessor.resize(decoded.image()));
            } catch (ImageDecodingException e) {
                return Outcome.skip(
                        e.reason() == ImageDecodingException.Reason.IMAGE_TOO_LARGE
                                ? SkipReason.OVERSIZED_IMAGE
                                : SkipReason.UNDECODABLE_IMAGE,
                        e.getMessage());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot write the image cache", e);
            }
        }
        return new Outcome(
                new PairEntry(pair.getImageId(), sha, references, pair.getSplit()), null, null);
    }

    private Path allowedFile(String uri) {
        URI parsed;
        try {
            parsed = URI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URI: " + uri);
        }
        if (!"file".equalsIgnoreCase(parsed.getScheme())) {
            throw new IllegalArgumentException(
                    "only file: URIs are read by the training service, not " + uri);
        }
        Path path = Path.of(parsed).toAbsolutePath().normalize();
        for (Path dir : allowedDirectories) {
            if (path.startsWith(dir)) {
                return path;
            }
        }
        throw new IllegalArgumentException(
                path + " is outside captioner.training.fetch.allowed.dirs " + allowedDirectories);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}

package io.captioner.cli;

import io.captioner.events.LabeledPair;
import io.captioner.events.SplitHint;
import io.captioner.model.data.DatasetEntry;
import io.captioner.model.image.DecodedImage;
import io.captioner.model.image.ImageDecoder;
import io.captioner.model.image.ImageDecodingException;
import io.captioner.schemas.EventValidation;
import io.captioner.schemas.Topics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns one dataset entry into a {@link LabeledPair}, or into the reason it cannot be one: the
 * policy of what is published, apart from how it is sent.
 *
 * <p>The image file must exist and decode (checked with the decoder the services use, subsampled,
 * so memory stays small); inline, its bytes must fit {@link Topics#MAX_INLINE_IMAGE_BYTES}. Blank
 * and over-long captions are dropped and counted; an image left without a caption is skipped.
 * Immutable and thread-safe.
 */
public final class PairBuilder {

    /** Default longest caption kept, in characters: far above any real caption. */
    public static final int DEFAULT_MAX_CAPTION_CHARS = 1000;

    private static final ImageDecoder DECODER =
            ImageDecoder.builder().optSubsamplingTarget(64).build();

    private final boolean byUri;
    private final int maxCaptionChars;
    private final String sourceDataset;

    /**
     * @param byUri publish {@code file:} URIs instead of the bytes
     * @param maxCaptionChars longest caption kept
     * @param sourceDataset the pairs' {@code sourceDataset}
     */
    public PairBuilder(boolean byUri, int maxCaptionChars, String sourceDataset) {
        if (maxCaptionChars < 1) {
            throw new IllegalArgumentException("maxCaptionChars must be >= 1: " + maxCaptionChars);
        }
        this.byUri = byUri;
        this.maxCaptionChars = maxCaptionChars;
        this.sourceDataset = Objects.requireNonNull(sourceDataset, "sourceDataset");
    }

    /**
     * The pair of {@code entry}, or why not.
     *
     * @param entry the dataset entry
     * @return a built pair, or a skip with its reason and detail
     */
    public Outcome build(DatasetEntry entry) {
        if (!Files.isRegularFile(entry.file())) {
            return skip(entry, PairSkip.MISSING_IMAGE, entry.file().toString());
        }
        List<String> references = new ArrayList<>();
        int dropped = 0;
        for (String caption : entry.captions()) {
            if (caption.isBlank() || caption.length() > maxCaptionChars) {
                dropped++;
            } else {
                references.add(caption);
            }
        }
        if (references.isEmpty()) {
            return skip(
                    entry,
                    PairSkip.NO_USABLE_CAPTION,
                    entry.captions().size()
                            + " captions, all empty or over "
                            + maxCaptionChars
                            + " characters");
        }
        byte[] bytes;
        try {
            long size = Files.size(entry.file());
            if (!byUri && size > Topics.MAX_INLINE_IMAGE_BYTES) {
                return skip(
                        entry,
                        PairSkip.OVERSIZED,
                        String.format(
                                Locale.ROOT,
                                "%d bytes, over the inline limit of %d; import with --by-uri",
                                size,
                                Topics.MAX_INLINE_IMAGE_BYTES));
            }
            bytes = Files.readAllBytes(entry.file());
        } catch (IOException e) {
            return skip(entry, PairSkip.MISSING_IMAGE, "cannot read: " + e.getMessage());
        }
        DecodedImage decoded;
        try {
            decoded = DECODER.decode(bytes);
        } catch (ImageDecodingException e) {
            return skip(entry, PairSkip.UNDECODABLE_IMAGE, e.getMessage());
        }
        LabeledPair.Builder pair =
                LabeledPair.newBuilder()
                        .setImageId(entry.id())
                        .setContentType("image/" + decoded.format())
                        .setReferences(references)
                        .setSplit(entry.split().map(s -> SplitHint.valueOf(s.name())).orElse(null))
                        .setSourceDataset(sourceDataset);
        if (byUri) {
            pair.setImageUri(entry.file().toAbsolutePath().normalize().toUri().toString());
        } else {
            pair.setImageBytes(ByteBuffer.wrap(bytes));
        }
        return new Outcome(EventValidation.validate(pair.build()), null, null, dropped);
    }

    private static Outcome skip(DatasetEntry entry, PairSkip reason, String detail) {
        return new Outcome(null, reason, detail, 0);
    }

    /**
     * A built pair or a skip.
     *
     * @param pair the pair, or null when skipped
     * @param skip why it was skipped, or null
     * @param detail the skip's detail for the user, or null
     * @param captionsDropped blank or over-long captions left out of a built pair
     */
    public record Outcome(LabeledPair pair, PairSkip skip, String detail, int captionsDropped) {}
}

package io.captioner.schemas;

import io.captioner.events.ImageEvent;
import io.captioner.events.LabeledPair;
import io.captioner.events.ModelChunk;
import io.captioner.events.ModelManifest;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks the rules of the event contracts that Avro schemas cannot express, so producers and
 * consumers reject the same events with the same messages.
 *
 * <p>Each method returns its argument when valid and throws {@link InvalidEventException}
 * otherwise. Policy decisions (allowed URI schemes and hosts, size limits) belong to the consumers,
 * not here.
 */
public final class EventValidation {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private EventValidation() {}

    /**
     * Checks an image event: non-blank image id, exactly one of a non-empty {@code imageBytes} and
     * an absolute {@code imageUri}.
     */
    public static ImageEvent validate(ImageEvent event) {
        requireId(event.getImageId(), "ImageEvent");
        requireOneImage(event.getImageId(), event.getImageBytes(), event.getImageUri());
        if (event.getEventTime() == null) {
            throw new InvalidEventException(
                    "ImageEvent " + event.getImageId() + " has no eventTime");
        }
        return event;
    }

    /**
     * Checks a labeled pair: non-blank image id, exactly one image representation as for {@link
     * #validate(ImageEvent)}, and at least one non-blank reference caption.
     */
    public static LabeledPair validate(LabeledPair pair) {
        requireId(pair.getImageId(), "LabeledPair");
        requireOneImage(pair.getImageId(), pair.getImageBytes(), pair.getImageUri());
        List<String> references = pair.getReferences();
        if (references == null || references.isEmpty()) {
            throw new InvalidEventException(
                    "LabeledPair " + pair.getImageId() + " has no reference caption");
        }
        for (int i = 0; i < references.size(); i++) {
            String reference = references.get(i);
            if (reference == null || reference.isBlank()) {
                throw new InvalidEventException(
                        "LabeledPair "
                                + pair.getImageId()
                                + " has a blank reference caption #"
                                + i);
            }
        }
        return pair;
    }

    /**
     * Checks a model manifest: names set, lower-case hex sha256, positive chunk count and size
     * consistent with the artifact size, and signature and key id either both set or both absent.
     */
    public static ModelManifest validate(ModelManifest manifest) {
        String what = "ModelManifest " + manifest.getModelName() + "/" + manifest.getVersion();
        requireText(manifest.getModelName(), what, "modelName");
        requireText(manifest.getVersion(), what, "version");
        requireSha256(manifest.getSha256(), what);
        int count = manifest.getChunkCount();
        int size = manifest.getChunkSizeBytes();
        long total = manifest.getArtifactSizeBytes();
        if (count < 1 || size < 1 || total < 1) {
            throw new InvalidEventException(
                    String.format(
                            Locale.ROOT,
                            "%s needs positive chunkCount, chunkSizeBytes and artifactSizeBytes,"
                                    + " got %d, %d, %d",
                            what,
                            count,
                            size,
                            total));
        }
        long min = (long) (count - 1) * size + 1;
        long max = (long) count * size;
        if (total < min || total > max) {
            throw new InvalidEventException(
                    String.format(
                            Locale.ROOT,
                            "%s: %d chunks of %d bytes cannot hold an artifact of %d bytes"
                                    + " (expected %d..%d)",
                            what,
                            count,
                            size,
                            total,
                            min,
                            max));
        }
        if ((manifest.getSignature() == null) != (manifest.getSignatureKeyId() == null)) {
            throw new InvalidEventException(
                    what + ": signature and signatureKeyId must be both set or both null");
        }
        if (manifest.getArchitecture() == null) {
            throw new InvalidEventException(what + " has no architecture");
        }
        return manifest;
    }

    /**
     * Checks a model chunk: names set, index within count, lower-case hex sha256 and non-empty
     * data.
     */
    public static ModelChunk validate(ModelChunk chunk) {
        String what =
                "ModelChunk "
                        + chunk.getModelName()
                        + "/"
                        + chunk.getVersion()
                        + "#"
                        + chunk.getIndex();
        requireText(chunk.getModelName(), what, "modelName");
        requireText(chunk.getVersion(), what, "version");
        if (chunk.getCount() < 1 || chunk.getIndex() < 0 || chunk.getIndex() >= chunk.getCount()) {
            throw new InvalidEventException(
                    String.format(
                            Locale.ROOT,
                            "%s: index %d is outside 0..count-1 for count %d",
                            what,
                            chunk.getIndex(),
                            chunk.getCount()));
        }
        requireSha256(chunk.getSha256(), what);
        if (chunk.getData() == null || !chunk.getData().hasRemaining()) {
            throw new InvalidEventException(what + " has no data");
        }
        return chunk;
    }

    private static void requireId(String imageId, String type) {
        if (imageId == null || imageId.isBlank()) {
            throw new InvalidEventException(type + " has a blank imageId");
        }
    }

    private static void requireText(String value, String what, String field) {
        if (value == null || value.isBlank()) {
            throw new InvalidEventException(what + " has a blank " + field);
        }
    }

    private static void requireSha256(String sha256, String what) {
        if (sha256 == null || !SHA256_HEX.matcher(sha256).matches()) {
            throw new InvalidEventException(
                    what + ": sha256 must be 64 lower-case hex characters, got " + sha256);
        }
    }

    private static void requireOneImage(String imageId, ByteBuffer bytes, String uri) {
        if (bytes == null && uri == null) {
            throw new InvalidEventException(
                    "Image "
                            + imageId
                            + " has neither imageBytes nor imageUri; exactly one is"
                            + " required");
        }
        if (bytes != null && uri != null) {
            throw new InvalidEventException(
                    "Image "
                            + imageId
                            + " has both imageBytes and imageUri; exactly one is"
                            + " allowed");
        }
        if (bytes != null && !bytes.hasRemaining()) {
            throw new InvalidEventException("Image " + imageId + " has empty imageBytes");
        }
        if (uri != null) {
            try {
                if (!new URI(uri).isAbsolute()) {
                    throw new InvalidEventException(
                            "Image " + imageId + " has a relative imageUri without scheme: " + uri);
                }
            } catch (URISyntaxException e) {
                throw new InvalidEventException(
                        "Image " + imageId + " has a malformed imageUri: " + e.getMessage());
            }
        }
    }
}

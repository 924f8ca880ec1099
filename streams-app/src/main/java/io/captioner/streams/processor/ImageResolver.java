package io.captioner.streams.processor;

import io.captioner.events.ImageEvent;
import io.captioner.model.image.ImageDecoder;
import io.captioner.model.image.ImageDecodingException;
import io.captioner.model.image.ImagePreprocessor;
import io.captioner.streams.fetch.ImageFetchException;
import io.captioner.streams.fetch.ImageFetcher;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a validated image event into pixels: inline bytes directly, a claim-check URI through the
 * {@link ImageFetcher}'s policy, then the {@link ImageDecoder} with its byte and pixel limits.
 * Immutable and thread-safe.
 */
public final class ImageResolver {

    private final ImageFetcher fetcher;
    private final ImageDecoder decoder;
    private final Map<Integer, ImageDecoder> subsampling = new ConcurrentHashMap<>();

    /** Creates a resolver over a fetcher (URI policy) and a decoder (size limits). */
    public ImageResolver(ImageFetcher fetcher, ImageDecoder decoder) {
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
    }

    /**
     * Loads and decodes the image of {@code event} at full resolution.
     *
     * @throws ImageFetchException if the URI is forbidden, unreadable or too large
     * @throws ImageDecodingException if the bytes are not a supported, intact, small enough image
     */
    public BufferedImage resolve(ImageEvent event)
            throws ImageFetchException, ImageDecodingException {
        return decoder.decode(bytesOf(event)).image();
    }

    /**
     * Loads the image of {@code event} and returns it resized for {@code preprocessor}'s model
     * ({@link ImagePreprocessor#resize}): decoded with subsampling to twice the input size, so a
     * 36-megapixel photo never exists at full resolution in memory, and dropped as soon as it is
     * resized.
     *
     * @throws ImageFetchException if the URI is forbidden, unreadable or too large
     * @throws ImageDecodingException if the bytes are not a supported, intact, small enough image
     */
    public byte[] prepare(ImageEvent event, ImagePreprocessor preprocessor)
            throws ImageFetchException, ImageDecodingException {
        byte[] bytes = bytesOf(event);
        // Twice the input side: subsampling picks pixels without filtering, the resize smooths.
        ImageDecoder sized =
                subsampling.computeIfAbsent(
                        2 * preprocessor.size(),
                        target ->
                                ImageDecoder.builder()
                                        .optMaxBytes(decoder.maxBytes())
                                        .optMaxPixels(decoder.maxPixels())
                                        .optSubsamplingTarget(target)
                                        .build());
        return preprocessor.resize(sized.decode(bytes).image());
    }

    private byte[] bytesOf(ImageEvent event) throws ImageFetchException {
        if (event.getImageBytes() != null) {
            ByteBuffer buffer = event.getImageBytes().duplicate();
            if (buffer.hasArray()
                    && buffer.arrayOffset() == 0
                    && buffer.position() == 0
                    && buffer.remaining() == buffer.array().length) {
                return buffer.array();
            }
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        }
        return fetcher.fetch(event.getImageUri());
    }
}

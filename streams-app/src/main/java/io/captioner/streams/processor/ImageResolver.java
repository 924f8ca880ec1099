package io.captioner.streams.processor;

import io.captioner.events.ImageEvent;
import io.captioner.model.image.ImageDecoder;
import io.captioner.model.image.ImageDecodingException;
import io.captioner.streams.fetch.ImageFetchException;
import io.captioner.streams.fetch.ImageFetcher;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Turns a validated image event into pixels: inline bytes directly, a claim-check URI through the
 * {@link ImageFetcher}'s policy, then the {@link ImageDecoder} with its byte and pixel limits.
 * Immutable and thread-safe.
 */
public final class ImageResolver {

    private final ImageFetcher fetcher;
    private final ImageDecoder decoder;

    /** Creates a resolver over a fetcher (URI policy) and a decoder (size limits). */
    public ImageResolver(ImageFetcher fetcher, ImageDecoder decoder) {
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
    }

    /**
     * Loads and decodes the image of {@code event}.
     *
     * @throws ImageFetchException if the URI is forbidden, unreadable or too large
     * @throws ImageDecodingException if the bytes are not a supported, intact, small enough image
     */
    public BufferedImage resolve(ImageEvent event)
            throws ImageFetchException, ImageDecodingException {
        byte[] bytes;
        if (event.getImageBytes() != null) {
            ByteBuffer buffer = event.getImageBytes().duplicate();
            bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
        } else {
            bytes = fetcher.fetch(event.getImageUri());
        }
        return decoder.decode(bytes).image();
    }
}

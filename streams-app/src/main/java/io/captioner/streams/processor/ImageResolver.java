package io.captioner.streams.processor;

import io.captioner.events.ImageEvent;
import io.captioner.model.image.ImageDecoder;
import io.captioner.model.image.ImageDecodingException;
import io.captioner.model.image.ImagePreprocessor;
import io.captioner.streams.fetch.ImageFetchException;
import io.captioner.streams.fetch.ImageFetcher;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Turns a validated image event into pixels: inline bytes directly, a claim-check URI through the
 * {@link ImageFetcher}'s policy, then the {@link ImageDecoder} with its byte and pixel limits.
 * Immutable and thread-safe; {@link #close()} releases the fetcher's pooled connections and DNS
 * threads.
 */
public final class ImageResolver implements AutoCloseable {

    private final ImageFetcher fetcher;
    private final ImageDecoder decoder;

    /** Creates a resolver over a fetcher (URI policy) and a decoder (size limits). */
    public ImageResolver(ImageFetcher fetcher, ImageDecoder decoder) {
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
    }

    /**
     * Loads and decodes the image of {@code event} at full resolution (or the decoder's default
     * subsampling target).
     *
     * @throws ImageFetchException if the URI is forbidden, unreadable or too large
     * @throws ImageDecodingException if the bytes are not a supported, intact, small enough image
     */
    public BufferedImage resolve(ImageEvent event)
            throws ImageFetchException, ImageDecodingException {
        return decoder.decode(bytesOf(event)).image();
    }

    /**
     * Loads and decodes the image of {@code event}, subsampled while decoding so that its shorter
     * side stays at least {@code minShortSide}: pass the served model's {@link
     * ImagePreprocessor#minDecodeShortSide()}, so a 40 MP photo costs a fraction of a megapixel
     * instead of 160 MB. Interruptible while fetching.
     *
     * @param minShortSide the shorter side to keep at least, or 0 for full resolution
     * @throws ImageFetchException if the URI is forbidden, unreadable or too large
     * @throws ImageDecodingException if the bytes are not a supported, intact, small enough image
     */
    public BufferedImage resolve(ImageEvent event, int minShortSide)
            throws ImageFetchException, ImageDecodingException {
        return decoder.decode(bytesOf(event), minShortSide).image();
    }

    /**
     * Loads the image of {@code event} and returns it resized for {@code preprocessor}'s model
     * ({@link ImagePreprocessor#resize}): decoded with subsampling to {@link
     * ImagePreprocessor#minDecodeShortSide()}, so a 36-megapixel photo never exists at full
     * resolution in memory, and dropped as soon as it is resized.
     *
     * @throws ImageFetchException if the URI is forbidden, unreadable or too large
     * @throws ImageDecodingException if the bytes are not a supported, intact, small enough image
     */
    public byte[] prepare(ImageEvent event, ImagePreprocessor preprocessor)
            throws ImageFetchException, ImageDecodingException {
        return preprocessor.resize(resolve(event, preprocessor.minDecodeShortSide()));
    }

    /** Closes the fetcher: pooled http connections and its DNS lookup threads. */
    @Override
    public void close() {
        fetcher.close();
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

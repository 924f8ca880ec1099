package io.captioner.streams;

import io.captioner.model.CaptionResult;
import io.captioner.model.Captioner;
import io.captioner.model.DecodingOptions;
import io.captioner.streams.model.InferenceSession;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Inference sessions that misbehave on purpose, to test the serving path against slow and failing
 * models: they wrap the real session of a loaded captioner.
 */
public final class TestSessions {

    private TestSessions() {}

    /** The first byte (red of the top-left pixel) of a resized image, to pick images by colour. */
    public static int firstByte(byte[] resized) {
        return resized[0] & 0xff;
    }

    /** Sessions whose every batch takes at least {@code millis} longer; counts captioned images. */
    public static InferenceSession.Factory slow(long millis, AtomicInteger captioned) {
        return captioner ->
                new Wrapper(captioner) {
                    @Override
                    public List<CaptionResult> caption(
                            List<byte[]> resized, DecodingOptions options) {
                        try {
                            Thread.sleep(millis);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException("interrupted", e);
                        }
                        List<CaptionResult> out = super.caption(resized, options);
                        captioned.addAndGet(out.size());
                        return out;
                    }
                };
    }

    /**
     * Sessions that throw {@code failure} for any batch holding an image {@code poison} matches.
     */
    public static InferenceSession.Factory failingOn(
            Predicate<byte[]> poison, java.util.function.Supplier<? extends Throwable> failure) {
        return captioner ->
                new Wrapper(captioner) {
                    @Override
                    public List<CaptionResult> caption(
                            List<byte[]> resized, DecodingOptions options) {
                        if (resized.stream().anyMatch(poison)) {
                            sneakyThrow(failure.get());
                        }
                        return super.caption(resized, options);
                    }
                };
    }

    /** Sessions that fail every batch, as a model does whose device ran out of memory. */
    public static InferenceSession.Factory broken() {
        return failingOn(image -> true, () -> new IllegalStateException("device out of memory"));
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    private static class Wrapper implements InferenceSession {
        private final InferenceSession delegate;

        Wrapper(Captioner captioner) {
            this.delegate = InferenceSession.Factory.DEFAULT.open(captioner);
        }

        @Override
        public int inputSize() {
            return delegate.inputSize();
        }

        @Override
        public List<CaptionResult> caption(List<byte[]> resized, DecodingOptions options) {
            return delegate.caption(resized, options);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}

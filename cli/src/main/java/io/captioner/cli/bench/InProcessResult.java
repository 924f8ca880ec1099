package io.captioner.cli.bench;

/**
 * What one in-process measurement gave.
 *
 * @param batchSize images per {@code caption} call
 * @param images images captioned in the timed part
 * @param seconds wall time of the timed part
 * @param decodeSeconds the part of it spent decoding PNGs (the rest is {@code Captioner.caption}:
 *     preprocessing, encoder and decoder)
 * @param batchLatency time of each batch, decode to captions
 * @param meanTokens mean caption length in words (without the end token)
 * @param workers threads captioning batches side by side
 * @param intraOpThreads PyTorch intra-op threads while it ran
 */
public record InProcessResult(
        int batchSize,
        int images,
        double seconds,
        double decodeSeconds,
        LatencyStats batchLatency,
        double meanTokens,
        int workers,
        int intraOpThreads) {

    /** Images captioned per second. */
    public double imagesPerSecond() {
        return images / seconds;
    }

    /** The share of the time spent decoding PNGs. */
    public double decodeShare() {
        return decodeSeconds / seconds;
    }
}

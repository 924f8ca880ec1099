package io.captioner.streams.processor;

import io.captioner.events.CaptionEvent;
import java.util.Objects;

/**
 * What the pipeline made of one buffered image: a caption, a failure to dead-letter, or work to
 * redo from the buffer later (the model failed as a whole, a passing outage, or a failure worth
 * another attempt). The stream thread turns the first two into records and deletes the entry.
 *
 * @param caption the caption, or null
 * @param failure the failure to dead-letter, or (with a redo) its cause
 * @param imageId the image id when known
 * @param redoAfterMs for a redo: how long to wait before handing the entry out again; else -1
 * @param countsAsAttempt for a redo: whether it counts towards the entry's attempt limit
 */
record Outcome(
        CaptionEvent caption,
        Throwable failure,
        String imageId,
        long redoAfterMs,
        boolean countsAsAttempt) {

    static Outcome captioned(CaptionEvent caption) {
        return new Outcome(Objects.requireNonNull(caption), null, caption.getImageId(), -1, false);
    }

    static Outcome failed(Throwable failure, String imageId) {
        return new Outcome(null, Objects.requireNonNull(failure), imageId, -1, false);
    }

    /** Redo without counting an attempt: not the image's fault (model outage, registry down). */
    static Outcome retryLater(long afterMs, Throwable cause, String imageId) {
        return new Outcome(null, cause, imageId, Math.max(0, afterMs), false);
    }

    /** Redo counting an attempt: an unexpected failure that may or may not be the image's. */
    static Outcome attemptFailed(long afterMs, Throwable cause, String imageId) {
        return new Outcome(null, cause, imageId, Math.max(0, afterMs), true);
    }

    boolean isRedo() {
        return redoAfterMs >= 0;
    }
}

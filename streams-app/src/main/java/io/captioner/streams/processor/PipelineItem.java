package io.captioner.streams.processor;

import io.captioner.events.ImageEvent;
import io.captioner.streams.model.ModelLease;
import io.captioner.streams.model.ServingModel;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One buffered image on its way through the pipeline: the entry, the model it is prepared for (a
 * lease, so that model stays open until the image is done), then its pixels at the model's input
 * size, then its {@link Outcome}. Created and drained by the stream thread; the stages fill it in
 * under the lane's lock.
 */
final class PipelineItem {

    private final PendingImage image;
    private final ModelLease lease;
    private final String orderKey;
    private ImageEvent event;
    private byte[] resized;
    private Outcome outcome;
    private boolean inBatch;
    private volatile PipelineLane lane;

    PipelineItem(PendingImage image, ModelLease lease) {
        this.image = Objects.requireNonNull(image, "image");
        this.lease = Objects.requireNonNull(lease, "lease");
        this.orderKey = image.key() == null ? "" : new String(image.key(), StandardCharsets.UTF_8);
    }

    PendingImage image() {
        return image;
    }

    long offset() {
        return image.offset();
    }

    /** The lane the image was submitted to. */
    PipelineLane lane() {
        return lane;
    }

    void lane(PipelineLane owner) {
        this.lane = owner;
    }

    /** The record key as text: outputs of one key leave in input order. */
    String orderKey() {
        return orderKey;
    }

    ServingModel model() {
        return lease.model();
    }

    ModelLease lease() {
        return lease;
    }

    /** The event once the input stage decoded it; else null. */
    synchronized ImageEvent event() {
        return event;
    }

    synchronized void event(ImageEvent decoded) {
        this.event = decoded;
    }

    String imageId() {
        ImageEvent e = event();
        return e == null ? null : e.getImageId();
    }

    synchronized byte[] resized() {
        return resized;
    }

    synchronized void resized(byte[] pixels) {
        this.resized = pixels;
        // The event (with the payload) is no longer needed once the pixels exist.
        if (event != null) {
            event.setImageBytes(null);
        }
    }

    /** Whether an inference batch holds the image now (then the batch returns its lease). */
    synchronized boolean inBatch() {
        return inBatch;
    }

    synchronized void inBatch(boolean held) {
        this.inBatch = held;
    }

    synchronized Outcome outcome() {
        return outcome;
    }

    synchronized void outcome(Outcome done) {
        this.outcome = done;
        this.resized = null;
    }
}

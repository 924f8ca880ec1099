package io.captioner.streams.processor;

import io.captioner.streams.model.ServingModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One task's share of the {@link CaptioningPipeline}: the images it handed over (at most {@code
 * capacity} at a time), which of them are prepared and waiting for a batch, and which are done.
 *
 * <p>The stream thread submits images and drains finished ones; input and inference threads fill
 * them in. Batches form from prepared images in offset order as soon as {@code maxBatch} are ready
 * or the oldest has waited {@code maxWait} since it was buffered and no batch is queued for the
 * model (a busy model lets partial batches fill), so an image whose input is slow (a hung server)
 * holds up only itself. Finished images leave in offset order except that an image never overtakes
 * an unfinished one with the same record key. After {@link #close} nothing more is handed out and
 * the rest is dropped: the entries stay in the task's buffer for its next owner.
 */
final class PipelineLane {

    private final CaptioningPipeline pipeline;
    private final String name;
    private final int capacity;
    private final int maxBatch;
    private final long maxWaitMs;

    private final TreeMap<Long, PipelineItem> items = new TreeMap<>();
    private final TreeMap<Long, PipelineItem> ready = new TreeMap<>();
    private int finished;
    private boolean closed;

    PipelineLane(
            CaptioningPipeline pipeline, String name, int capacity, int maxBatch, long maxWaitMs) {
        this.pipeline = pipeline;
        this.name = name;
        this.capacity = capacity;
        this.maxBatch = maxBatch;
        this.maxWaitMs = maxWaitMs;
    }

    String name() {
        return name;
    }

    /** How many more images the lane takes now. */
    synchronized int room() {
        return closed ? 0 : Math.max(0, capacity - items.size());
    }

    /** Images handed over and not drained yet. */
    synchronized int inFlight() {
        return items.size();
    }

    /** Hands an image to the input stage; the lease is the lane's until the image is drained. */
    void submit(PipelineItem item) {
        synchronized (this) {
            if (closed) {
                item.lease().close();
                return;
            }
            items.put(item.offset(), item);
        }
        pipeline.prepare(this, item);
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** The input stage prepared {@code item}: it waits for a batch. */
    void prepared(PipelineItem item) {
        List<InferenceBatch> batches;
        synchronized (this) {
            if (closed || !items.containsKey(item.offset())) {
                return;
            }
            ready.put(item.offset(), item);
            // Full batches only: partial ones wait for tick(), on the stream thread's clock.
            batches = formBatches(Long.MIN_VALUE);
        }
        batches.forEach(pipeline::infer);
    }

    /** Sends the partial batches whose oldest image has waited long enough. */
    void tick(long nowMs) {
        List<InferenceBatch> batches;
        synchronized (this) {
            batches = formBatches(nowMs);
        }
        batches.forEach(pipeline::infer);
    }

    private List<InferenceBatch> formBatches(long nowMs) {
        List<InferenceBatch> out = new ArrayList<>();
        while (!closed && !ready.isEmpty()) {
            PipelineItem oldest = ready.firstEntry().getValue();
            // A partial batch leaves once its oldest image waited maxWait, unless the model is
            // busy with queued batches anyway: under a backlog every image is overdue, and
            // sending whatever is ready at each tick made batches of 3 where 16 were possible.
            boolean due =
                    nowMs != Long.MIN_VALUE
                            && nowMs - oldest.image().bufferedAtMs() >= maxWaitMs
                            && !pipeline.inferenceBacklogged();
            if (ready.size() < maxBatch && !due) {
                break;
            }
            // One model per batch, and no image of a newer model before the older model's last
            // one (after a swap a partition's captions never go back to the old version): batch
            // the model of the oldest image not in a batch yet, ready or not.
            ServingModel model = oldestUnbatchedModel();
            List<PipelineItem> batch = new ArrayList<>(Math.min(maxBatch, ready.size()));
            if (oldest.model() != model
                    && ready.values().stream().noneMatch(i -> i.model() == model)) {
                break;
            }
            Iterator<PipelineItem> it = ready.values().iterator();
            while (it.hasNext() && batch.size() < maxBatch) {
                PipelineItem next = it.next();
                if (next.model() == model) {
                    next.inBatch(true);
                    batch.add(next);
                    it.remove();
                }
            }
            out.add(new InferenceBatch(this, model, batch));
        }
        return out;
    }

    private ServingModel oldestUnbatchedModel() {
        for (PipelineItem item : items.values()) {
            if (item.outcome() == null && !item.inBatch()) {
                return item.model();
            }
        }
        return ready.firstEntry().getValue().model();
    }

    /** A stage finished {@code item}; the stream thread forwards it at its next drain. */
    void finish(PipelineItem item, Outcome outcome) {
        synchronized (this) {
            if (!closed && items.get(item.offset()) == item) {
                item.inBatch(false);
                item.outcome(outcome);
                ready.remove(item.offset());
                finished++;
                notifyAll();
                return;
            }
        }
        // Dropped by close() while a batch used it: the batch is over, the model may go now.
        if (item.inBatch()) {
            item.inBatch(false);
            item.lease().close();
        }
    }

    /**
     * Takes the finished images that may leave now, in offset order; an image waits while an
     * earlier one with the same record key is unfinished. Their leases are returned.
     */
    List<PipelineItem> drain() {
        List<PipelineItem> out;
        synchronized (this) {
            if (finished == 0) {
                return List.of();
            }
            out = new ArrayList<>(finished);
            Set<String> blocked = new HashSet<>();
            Iterator<Map.Entry<Long, PipelineItem>> it = items.entrySet().iterator();
            while (it.hasNext()) {
                PipelineItem item = it.next().getValue();
                if (item.outcome() == null) {
                    blocked.add(item.orderKey());
                } else if (!blocked.contains(item.orderKey())) {
                    out.add(item);
                    it.remove();
                    finished--;
                }
            }
        }
        out.forEach(item -> item.lease().close());
        return out;
    }

    /**
     * Waits until an image finishes or {@code timeoutMs} passes; returns at once when one is
     * finished already.
     */
    synchronized void awaitFinished(long timeoutMs) throws InterruptedException {
        if (finished == 0 && !closed && timeoutMs > 0) {
            wait(timeoutMs);
        }
    }

    /** Drops everything in flight and takes nothing more; idempotent. */
    void close() {
        List<PipelineItem> dropped;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            dropped = new ArrayList<>();
            for (PipelineItem item : items.values()) {
                // A batch on the model keeps its images' leases until it returns (finish).
                if (!item.inBatch()) {
                    dropped.add(item);
                }
            }
            items.clear();
            ready.clear();
            finished = 0;
            notifyAll();
        }
        dropped.forEach(item -> item.lease().close());
    }

    /** Images of one lane and one model, captioned in one forward pass. */
    record InferenceBatch(PipelineLane lane, ServingModel model, List<PipelineItem> items) {}
}

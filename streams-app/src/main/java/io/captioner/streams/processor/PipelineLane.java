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
 * them in. The lane {@link #offer offers} its prepared images to the pipeline's batcher, which
 * forms batches across the lanes of an instance (see {@link CaptioningPipeline}); a lane offers
 * only images of the model of its oldest image not in a batch yet, so after a swap a partition's
 * captions never go back to the old version. Finished images leave in offset order except that an
 * image never overtakes an unfinished one with the same record key. After {@link #close} nothing
 * more is handed out and the rest is dropped: the entries stay in the task's buffer for its next
 * owner.
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

    int maxBatch() {
        return maxBatch;
    }

    long maxWaitMs() {
        return maxWaitMs;
    }

    /** How many more images the lane takes now. */
    synchronized int room() {
        return closed ? 0 : Math.max(0, capacity - items.size());
    }

    /** Prepared images waiting for a batch. */
    synchronized int readyCount() {
        return closed ? 0 : ready.size();
    }

    /** Images handed over and not drained yet. */
    synchronized int inFlight() {
        return items.size();
    }

    /** Hands an image to the input stage; the lease is the lane's until the image is drained. */
    void submit(PipelineItem item) {
        item.lane(this);
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
        synchronized (this) {
            if (closed || !items.containsKey(item.offset())) {
                return;
            }
            ready.put(item.offset(), item);
        }
        // Full batches only: partial ones wait for tick(), on the stream thread's clock.
        pipeline.formBatches(Long.MIN_VALUE);
    }

    /** Sends the partial batches whose oldest image has waited long enough. */
    void tick(long nowMs) {
        pipeline.formBatches(nowMs);
    }

    /**
     * What this lane can put in a batch now: up to {@code max} prepared images, in offset order, of
     * the model of its oldest image not in a batch yet; empty while that image is not prepared and
     * no prepared image has its model.
     */
    synchronized List<PipelineItem> offer(int max) {
        if (closed || ready.isEmpty()) {
            return List.of();
        }
        ServingModel model = oldestUnbatchedModel();
        List<PipelineItem> out = new ArrayList<>(Math.min(max, ready.size()));
        for (PipelineItem next : ready.values()) {
            if (out.size() >= max) {
                break;
            }
            if (next.model() == model) {
                out.add(next);
            }
        }
        return out;
    }

    /**
     * Moves {@code offered} (from {@link #offer}) into a batch; returns those still prepared here
     * (a closed lane keeps none).
     */
    synchronized List<PipelineItem> take(List<PipelineItem> offered) {
        List<PipelineItem> taken = new ArrayList<>(offered.size());
        for (PipelineItem item : offered) {
            if (!closed && ready.remove(item.offset(), item)) {
                item.inBatch(true);
                taken.add(item);
            }
        }
        return taken;
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
        pipeline.laneClosed(this);
        dropped.forEach(item -> item.lease().close());
    }
}

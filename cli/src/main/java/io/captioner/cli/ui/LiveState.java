package io.captioner.cli.ui;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;

/**
 * What the live page shows, held in bounded windows (the last captions, dead letters, training
 * decisions, the active version per model and the metrics of recent versions), and the fan-out of
 * every new event to the page's open event streams. No I/O; thread-safe.
 *
 * <p>A subscriber that falls behind by more than its queue holds is dropped (its stream ends and
 * the browser reconnects, receiving a fresh snapshot), so a slow client costs bounded memory.
 */
public final class LiveState implements AutoCloseable {

    /** Models and versions remembered, so a topic with thousands of versions stays bounded. */
    static final int MAX_VERSIONS = 64;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectNode CLOSED = NODES.objectNode().put("type", "closed");

    private final int captionWindow;
    private final int failureWindow;
    private final int decisionWindow;
    private final int subscriberQueue;
    private final Deque<ObjectNode> captions = new ArrayDeque<>();
    private final Deque<ObjectNode> failures = new ArrayDeque<>();
    private final Deque<ObjectNode> decisions = new ArrayDeque<>();
    private final Map<String, ObjectNode> active = new LinkedHashMap<>();
    private final Map<String, ObjectNode> versions = new LinkedHashMap<>();
    private final Set<Subscription> subscribers = new CopyOnWriteArraySet<>();
    private long captionCount;
    private long failureCount;
    private boolean closed;

    /**
     * Keeps the last {@code captionWindow} captions and {@code failureWindow} dead letters (and as
     * many training decisions); each subscriber may lag {@code subscriberQueue} events behind.
     */
    public LiveState(int captionWindow, int failureWindow, int subscriberQueue) {
        if (captionWindow < 1 || failureWindow < 1 || subscriberQueue < 1) {
            throw new IllegalArgumentException("windows and queue must be positive");
        }
        this.captionWindow = captionWindow;
        this.failureWindow = failureWindow;
        this.decisionWindow = failureWindow;
        this.subscriberQueue = subscriberQueue;
    }

    /**
     * Records an event made by {@link LiveEvents} and sends it to every subscriber.
     *
     * @throws IllegalArgumentException if its type is not one of {@link LiveEvents}'
     */
    public void accept(ObjectNode event) {
        String type = event.path("type").asText();
        synchronized (this) {
            if (closed) {
                return;
            }
            switch (type) {
                case "caption" -> {
                    captionCount++;
                    bounded(captions, event, captionWindow);
                }
                case "failure" -> {
                    failureCount++;
                    bounded(failures, event, failureWindow);
                }
                case "training" -> bounded(decisions, event, decisionWindow);
                case "activation" -> {
                    String model = event.path("model_name").asText();
                    ObjectNode current = active.get(model);
                    if (!newer(event, current)) {
                        return;
                    }
                    active.remove(model);
                    active.put(model, event);
                    trim(active);
                }
                case "version" -> {
                    String key =
                            event.path("model_name").asText()
                                    + "/"
                                    + event.path("version").asText();
                    versions.remove(key);
                    versions.put(key, event);
                    trim(versions);
                }
                default -> throw new IllegalArgumentException("unknown event type: " + type);
            }
        }
        for (Subscription s : subscribers) {
            s.offer(event);
        }
    }

    /**
     * Everything held now: {@code captions} and {@code failures} (oldest first), {@code active}
     * (one activation per model), {@code versions}, {@code training} and the counts seen.
     */
    public synchronized ObjectNode snapshot() {
        ObjectNode node = NODES.objectNode();
        node.put("type", "snapshot");
        node.put("captions_seen", captionCount);
        node.put("failures_seen", failureCount);
        node.set("captions", array(captions));
        node.set("failures", array(failures));
        node.set("training", array(decisions));
        node.set("active", array(active.values()));
        node.set("versions", array(versions.values()));
        return node;
    }

    /**
     * Opens a stream of the events accepted from now on; close it when the client leaves. Returns a
     * closed subscription once this state is closed.
     */
    public Subscription subscribe() {
        Subscription s = new Subscription(subscriberQueue);
        synchronized (this) {
            if (closed) {
                s.end();
                return s;
            }
            subscribers.add(s);
        }
        return s;
    }

    /** How many event streams are open. */
    public int subscribers() {
        return subscribers.size();
    }

    /** Ends every subscription; later events are ignored. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        for (Subscription s : subscribers) {
            s.end();
        }
        subscribers.clear();
    }

    /** Activations count by sequence when both have one, else by time; ties keep the newest. */
    private static boolean newer(ObjectNode candidate, ObjectNode current) {
        if (current == null) {
            return true;
        }
        if (candidate.hasNonNull("sequence") && current.hasNonNull("sequence")) {
            return candidate.get("sequence").asLong() >= current.get("sequence").asLong();
        }
        return candidate.path("activated_time").asLong() >= current.path("activated_time").asLong();
    }

    private static void bounded(Deque<ObjectNode> window, ObjectNode event, int max) {
        window.addLast(event);
        while (window.size() > max) {
            window.removeFirst();
        }
    }

    private static void trim(Map<String, ObjectNode> map) {
        Iterator<String> oldest = map.keySet().iterator();
        while (map.size() > MAX_VERSIONS) {
            oldest.next();
            oldest.remove();
        }
    }

    private static ArrayNode array(Iterable<ObjectNode> nodes) {
        ArrayNode array = NODES.arrayNode();
        nodes.forEach(array::add);
        return array;
    }

    /** One client's stream of events, bounded; ended when it overflows or the state closes. */
    public final class Subscription implements AutoCloseable {
        private final BlockingQueue<ObjectNode> queue;
        private volatile boolean ended;

        private Subscription(int capacity) {
            // One slot more than the lag allowed, for the end marker.
            this.queue = new ArrayBlockingQueue<>(capacity + 1);
        }

        /**
         * The next event, waiting up to {@code timeout}; null when none came in time. Throws
         * nothing on end: {@link #ended()} tells.
         */
        public ObjectNode next(long timeout, TimeUnit unit) throws InterruptedException {
            if (ended && queue.isEmpty()) {
                return null;
            }
            ObjectNode event = queue.poll(timeout, unit);
            return event == CLOSED ? null : event;
        }

        /** Whether the stream is over: overflowed, closed by the client, or the state closed. */
        public boolean ended() {
            return ended;
        }

        private void offer(ObjectNode event) {
            if (ended) {
                return;
            }
            if (queue.remainingCapacity() <= 1 || !queue.offer(event)) {
                end();
            }
        }

        private void end() {
            ended = true;
            subscribers.remove(this);
            queue.clear();
            queue.offer(CLOSED);
        }

        @Override
        public void close() {
            end();
        }
    }
}

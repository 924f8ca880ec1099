package io.captioner.training.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The dataset of record as read from the compacted {@code labeled-pairs} topic: one entry per image
 * id. A later pair for an id <b>replaces</b> the earlier one (its image and all its captions), as
 * compaction would; a tombstone (null value) removes the id; a bad pair removes the id's earlier
 * entry too, and is remembered as skipped with its reason until the id gets a good pair or a
 * tombstone.
 *
 * <p>It also counts the changes (pairs and tombstones, at or after the offsets the last run
 * included) that decide when the next run starts. Not thread-safe: the ingest thread owns it and
 * hands {@link Snapshot}s to the run.
 */
public final class PairDataset {

    /** Ids listed per skip reason in {@link #skippedIds()}, so /status stays small. */
    public static final int MAX_LISTED_IDS = 100;

    private final Map<String, PairEntry> entries = new TreeMap<>();
    private final Map<String, SkipReason> skipped = new TreeMap<>();
    private final Map<Integer, Long> baseline = new HashMap<>();
    private final Map<Integer, Long> next = new HashMap<>();
    private long changes;

    /** The offsets (next offset by partition) that the last run included; later ones are new. */
    public void setBaseline(Map<Integer, Long> offsets) {
        baseline.clear();
        baseline.putAll(offsets);
        changes = 0;
    }

    /** Records a good pair at {@code partition/offset}. */
    public void put(int partition, long offset, PairEntry entry) {
        entries.put(entry.imageId(), entry);
        skipped.remove(entry.imageId());
        advance(partition, offset);
    }

    /** Records a bad pair for {@code imageId} (null when even the id is unknown). */
    public void skip(int partition, long offset, String imageId, SkipReason reason) {
        if (imageId != null) {
            entries.remove(imageId);
            skipped.put(imageId, reason);
        }
        advance(partition, offset);
    }

    /** Records a tombstone: the id leaves the dataset. */
    public void remove(int partition, long offset, String imageId) {
        entries.remove(imageId);
        skipped.remove(imageId);
        advance(partition, offset);
    }

    private void advance(int partition, long offset) {
        next.merge(partition, offset + 1, Math::max);
        if (offset >= baseline.getOrDefault(partition, 0L)) {
            changes++;
        }
    }

    /** Changes since the baseline. */
    public long changes() {
        return changes;
    }

    /** Images in the dataset. */
    public int size() {
        return entries.size();
    }

    /** The entry of {@code imageId}, or null. */
    public PairEntry get(String imageId) {
        return entries.get(imageId);
    }

    /** Ids currently skipped, by reason, at most {@link #MAX_LISTED_IDS} each, sorted. */
    public Map<SkipReason, List<String>> skippedIds() {
        Map<SkipReason, Set<String>> byReason = new EnumMap<>(SkipReason.class);
        skipped.forEach(
                (id, reason) -> {
                    Set<String> ids = byReason.computeIfAbsent(reason, r -> new TreeSet<>());
                    if (ids.size() < MAX_LISTED_IDS) {
                        ids.add(id);
                    }
                });
        Map<SkipReason, List<String>> out = new EnumMap<>(SkipReason.class);
        byReason.forEach((r, ids) -> out.put(r, List.copyOf(ids)));
        return out;
    }

    /** Number of ids currently skipped, by reason name. */
    public Map<String, Long> skippedCounts() {
        Map<String, Long> counts = new TreeMap<>();
        skipped.values().forEach(r -> counts.merge(r.name(), 1L, Long::sum));
        return counts;
    }

    /**
     * A copy of the dataset and of the offsets read so far, and makes those offsets the new
     * baseline: what arrives from now on counts toward the next run.
     */
    public Snapshot snapshot() {
        Map<Integer, Long> offsets = new TreeMap<>(baseline);
        offsets.putAll(next);
        Snapshot snapshot =
                new Snapshot(
                        Collections.unmodifiableList(new ArrayList<>(entries.values())),
                        Collections.unmodifiableMap(new LinkedHashMap<>(skippedCounts())),
                        Collections.unmodifiableMap(offsets));
        setBaseline(offsets);
        return snapshot;
    }

    /**
     * The dataset at the start of a run.
     *
     * @param entries every image, sorted by id
     * @param skipped ids left out, by reason
     * @param offsets next offset by partition included
     */
    public record Snapshot(
            List<PairEntry> entries, Map<String, Long> skipped, Map<Integer, Long> offsets) {}
}

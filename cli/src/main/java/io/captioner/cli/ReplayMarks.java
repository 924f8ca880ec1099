package io.captioner.cli;

import io.captioner.events.FailureReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How far dead letters of each reason have been replayed on one partition of the dead-letter topic,
 * kept in the replay group's committed offset metadata so that a replay filtered by reason and a
 * later one of every reason each replay a dead letter at most once.
 *
 * <p>Wire form: {@code captioner-replay/1 REASON=NEXT_OFFSET,...}, well under Kafka's default 4096
 * byte limit of offset metadata. A reason without a mark has replayed nothing yet.
 */
final class ReplayMarks {

    static final String PREFIX = "captioner-replay/1";

    private final Map<FailureReason, Long> next;

    private ReplayMarks(Map<FailureReason, Long> next) {
        this.next = next;
    }

    /** No reason replayed yet. */
    static ReplayMarks none() {
        return new ReplayMarks(new EnumMap<>(FailureReason.class));
    }

    /**
     * Parses committed metadata; empty or absent metadata is {@link #none()}.
     *
     * @throws UserException when the group's metadata was written by something else
     */
    static ReplayMarks parse(String metadata, String group) {
        if (metadata == null || metadata.isBlank()) {
            return none();
        }
        if (!metadata.startsWith(PREFIX)) {
            throw new UserException(
                    "consumer group "
                            + group
                            + " has offsets that 'failures --replay' did not write; choose"
                            + " another with --group");
        }
        Map<FailureReason, Long> next = new EnumMap<>(FailureReason.class);
        String body = metadata.substring(PREFIX.length()).strip();
        if (!body.isEmpty()) {
            for (String part : body.split(",")) {
                int eq = part.indexOf('=');
                try {
                    next.put(
                            FailureReason.valueOf(part.substring(0, eq)),
                            Long.parseLong(part.substring(eq + 1)));
                } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                    throw new UserException(
                            "consumer group "
                                    + group
                                    + " has unreadable replay marks: "
                                    + metadata);
                }
            }
        }
        return new ReplayMarks(next);
    }

    /** The first offset not yet considered for {@code reason}, if it was ever replayed. */
    Optional<Long> next(FailureReason reason) {
        return Optional.ofNullable(next.get(reason));
    }

    /** Whether the dead letter at {@code offset} with {@code reason} is still to be replayed. */
    boolean pending(FailureReason reason, long offset) {
        Long mark = next.get(reason);
        return mark == null || offset >= mark;
    }

    /** Where reading must start for {@code reasons}: the smallest mark, empty when one has none. */
    Optional<Long> start(Set<FailureReason> reasons) {
        long min = Long.MAX_VALUE;
        for (FailureReason reason : reasons) {
            Long mark = next.get(reason);
            if (mark == null) {
                return Optional.empty();
            }
            min = Math.min(min, mark);
        }
        return Optional.of(min);
    }

    /** These marks with every reason of {@code reasons} advanced to {@code position}. */
    ReplayMarks advance(Set<FailureReason> reasons, long position) {
        Map<FailureReason, Long> copy = new EnumMap<>(FailureReason.class);
        copy.putAll(next);
        for (FailureReason reason : reasons) {
            copy.merge(reason, position, Math::max);
        }
        return new ReplayMarks(copy);
    }

    /** The wire form. */
    String format() {
        StringBuilder b = new StringBuilder(PREFIX);
        String sep = " ";
        for (Map.Entry<FailureReason, Long> e : next.entrySet()) {
            b.append(sep).append(e.getKey().name()).append('=').append(e.getValue());
            sep = ",";
        }
        return b.toString();
    }
}

package io.captioner.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.captioner.events.CaptionFailure;
import io.captioner.schemas.Topic;
import io.captioner.schemas.Topics;
import picocli.CommandLine.Command;

/**
 * {@code captioner failures}: prints the dead letters on topic {@code captions-dlq}, so a user sees
 * why an image got no caption.
 */
@Command(
        name = "failures",
        mixinStandardHelpOptions = true,
        description = {
            "Print the failures on the dead-letter topic 'captions-dlq' (committed records only).",
            "Default format: ID<TAB>REASON<TAB>MESSAGE<TAB>SOURCE_TOPIC-PARTITION@OFFSET per line,"
                    + " '-' for unknown values. With --json one object per line: id (when known),"
                    + " reason, message, source_topic, source_partition, source_offset,"
                    + " exception_class, original_value_ref, failure_time (unknown ones left out).",
            "Unreadable records are reported on stderr and skipped."
        })
public final class FailuresCommand extends TopicTailCommand<CaptionFailure> {

    /** Creates the command; picocli fills in the options. */
    public FailuresCommand() {}

    @Override
    Topic<String, CaptionFailure> topic(Topics topics) {
        return topics.captionsDlq();
    }

    @Override
    String humanLine(String key, CaptionFailure failure) {
        String source =
                failure.getSourceTopic() == null
                        ? "-"
                        : failure.getSourceTopic()
                                + "-"
                                + cell(failure.getSourcePartition())
                                + "@"
                                + cell(failure.getSourceOffset());
        return cell(idOf(key, failure))
                + "\t"
                + cell(failure.getReason())
                + "\t"
                + cell(failure.getMessage())
                + "\t"
                + cell(source);
    }

    @Override
    ObjectNode jsonObject(String key, CaptionFailure failure) {
        ObjectNode node = JSON.createObjectNode();
        String id = idOf(key, failure);
        if (id != null) {
            node.put("id", id);
        }
        node.put("reason", failure.getReason() == null ? null : failure.getReason().name());
        node.put("message", failure.getMessage());
        putIfKnown(node, "source_topic", failure.getSourceTopic());
        if (failure.getSourcePartition() != null) {
            node.put("source_partition", failure.getSourcePartition());
        }
        if (failure.getSourceOffset() != null) {
            node.put("source_offset", failure.getSourceOffset());
        }
        putIfKnown(node, "exception_class", failure.getExceptionClass());
        putIfKnown(node, "original_value_ref", failure.getOriginalValueRef());
        node.put("failure_time", String.valueOf(failure.getFailureTime()));
        return node;
    }

    /** The image id of the failure, else the record key (the id by contract), else null. */
    private static String idOf(String key, CaptionFailure failure) {
        return failure.getImageId() != null ? failure.getImageId() : key;
    }

    private static void putIfKnown(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}

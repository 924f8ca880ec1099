package io.captioner.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.captioner.events.CaptionFailure;
import io.captioner.events.FailureReason;
import io.captioner.schemas.Topic;
import io.captioner.schemas.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
            "Unreadable records are reported on stderr and skipped.",
            "With --replay: re-publish the dead letters' original records to 'images' (after the"
                    + " cause is fixed), each once however often it runs: a transactional"
                    + " consume-transform-produce whose consumer group (--group) remembers, per"
                    + " reason, how far it replayed. Dead letters whose original was too large to"
                    + " copy are fetched from their topic while it is retained, else reported."
                    + " Prints 'ID<TAB>REASON<TAB>FROM<TAB>TO' per replay (or JSON); exit code 1"
                    + " when a dead letter could not be replayed."
        })
public final class FailuresCommand extends TopicTailCommand<CaptionFailure> {

    @Option(
            names = "--replay",
            description = "Re-publish the original records of the dead letters to 'images'.")
    boolean replay;

    @Option(
            names = "--reason",
            paramLabel = "REASON",
            split = ",",
            description =
                    "With --replay: only dead letters of these reasons (${COMPLETION-CANDIDATES}).")
    Set<FailureReason> reasons;

    @Option(
            names = "--group",
            paramLabel = "GROUP",
            description =
                    "With --replay: the consumer group (and transactional id) that remembers what"
                            + " was replayed (default: captioner-replay.<dead-letter topic>).")
    String group;

    @Option(
            names = "--dry-run",
            description = "With --replay: list what would be replayed, publish and commit nothing.")
    boolean dryRun;

    /** Creates the command; picocli fills in the options. */
    public FailuresCommand() {}

    @Override
    public Integer call() {
        if (!replay) {
            if (reasons != null || group != null || dryRun) {
                throw new UserException("--reason, --group and --dry-run go with --replay");
            }
            return super.call();
        }
        if (fromBeginning || follow || maxRecords != null) {
            throw new UserException(
                    "--replay continues where the last replay stopped: --from-beginning,"
                            + " --follow and --max-records do not apply");
        }
        if (timeoutSeconds != null && timeoutSeconds <= 0) {
            throw new UserException("--timeout must be positive, got " + timeoutSeconds);
        }
        Topics topics = kafka.settings().topics(topicPrefix);
        String dlq = topics.captionsDlq().name();
        DeadLetterReplay run =
                new DeadLetterReplay(
                        kafka.settings(),
                        topics.captionsDlq(),
                        topics.images().name(),
                        group != null ? group : "captioner-replay." + dlq,
                        reasons == null || reasons.isEmpty()
                                ? DeadLetterReplay.allReasons()
                                : reasons,
                        dryRun,
                        Duration.ofSeconds(timeoutSeconds == null ? 60 : timeoutSeconds));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DeadLetterReplay.Result result;
        try {
            result =
                    run.run(
                            new DeadLetterReplay.Listener() {
                                @Override
                                public void replayed(
                                        String id, FailureReason reason, String from, String to) {
                                    if (json) {
                                        ObjectNode node = JSON.createObjectNode();
                                        node.put("id", id);
                                        node.put("reason", reason.name());
                                        node.put("from", from);
                                        node.put("to", to);
                                        node.put("dry_run", dryRun);
                                        out.println(node.toString());
                                    } else {
                                        out.println(
                                                cell(id) + "\t" + reason + "\t" + from + "\t" + to);
                                    }
                                }

                                @Override
                                public void unreplayable(
                                        String id, FailureReason reason, String from, String why) {
                                    err.println(
                                            "failures: cannot replay "
                                                    + (id == null ? "" : id + " ")
                                                    + "from "
                                                    + from
                                                    + ": "
                                                    + why);
                                }
                            });
        } catch (KafkaException e) {
            throw new UserException(
                    1, "Kafka error (bootstrap " + kafka.bootstrap() + "): " + e.getMessage());
        }
        err.printf(
                Locale.ROOT,
                "failures: %s %d dead letter%s to %s; %d could not be replayed, %d replayed"
                        + " before, %d of other reasons left%n",
                dryRun ? "would replay" : "replayed",
                result.replayed(),
                result.replayed() == 1 ? "" : "s",
                topics.images().name(),
                result.unreplayable(),
                result.alreadyReplayed(),
                result.otherReasons());
        out.flush();
        err.flush();
        return result.unreplayable() == 0 ? 0 : 1;
    }

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

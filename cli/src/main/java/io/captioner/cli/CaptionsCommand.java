package io.captioner.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.captioner.events.AlternativeCaption;
import io.captioner.events.CaptionEvent;
import io.captioner.schemas.Topic;
import io.captioner.schemas.Topics;
import java.util.Locale;
import picocli.CommandLine.Command;

/**
 * {@code captioner captions}: prints the captions on topic {@code captions}, so results can be
 * watched or piped into scripts without Kafka tools.
 */
@Command(
        name = "captions",
        mixinStandardHelpOptions = true,
        description = {
            "Print the captions on topic 'captions' (committed records only).",
            "Default format: ID<TAB>CAPTION<TAB>MODEL_VERSION<TAB>SCORE per line. With --json one"
                    + " object per line: id, caption, score, model_name, model_version,"
                    + " decoding_strategy, beam_size, alternatives [{caption, score}],"
                    + " latency_ms, image_event_time, captioned_time.",
            "Unreadable records are reported on stderr and skipped."
        })
public final class CaptionsCommand extends TopicTailCommand<CaptionEvent> {

    /** Creates the command; picocli fills in the options. */
    public CaptionsCommand() {}

    @Override
    Topic<String, CaptionEvent> topic(Topics topics) {
        return topics.captions();
    }

    @Override
    String humanLine(String key, CaptionEvent caption) {
        return cell(caption.getImageId())
                + "\t"
                + cell(caption.getCaption())
                + "\t"
                + cell(caption.getModelVersion())
                + "\t"
                + String.format(Locale.ROOT, "%.4f", caption.getScore());
    }

    @Override
    ObjectNode jsonObject(String key, CaptionEvent caption) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", caption.getImageId());
        node.put("caption", caption.getCaption());
        node.put("score", caption.getScore());
        node.put("model_name", caption.getModelName());
        node.put("model_version", caption.getModelVersion());
        node.put(
                "decoding_strategy",
                caption.getDecodingStrategy() == null
                        ? null
                        : caption.getDecodingStrategy().name());
        node.put("beam_size", caption.getBeamSize());
        ArrayNode alternatives = node.putArray("alternatives");
        for (AlternativeCaption alternative : caption.getAlternatives()) {
            alternatives
                    .addObject()
                    .put("caption", alternative.getText())
                    .put("score", alternative.getScore());
        }
        node.put("latency_ms", caption.getLatencyMillis());
        node.put("image_event_time", String.valueOf(caption.getImageEventTime()));
        node.put("captioned_time", String.valueOf(caption.getCaptionedTime()));
        return node;
    }
}

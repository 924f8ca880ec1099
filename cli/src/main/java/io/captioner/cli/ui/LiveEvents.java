package io.captioner.cli.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.captioner.events.CaptionEvent;
import io.captioner.events.CaptionFailure;
import io.captioner.events.ModelActivation;
import io.captioner.events.ModelManifest;
import io.captioner.events.TrainingRun;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Maps the records the live page follows to the JSON objects its script renders; pure functions, no
 * I/O. Every object has a {@code type}: {@code caption}, {@code failure}, {@code activation},
 * {@code version} or {@code training}.
 */
public final class LiveEvents {

    /** Longest caption or failure message kept, so one huge record cannot bloat the page. */
    static final int MAX_TEXT = 500;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private LiveEvents() {}

    /**
     * A caption as the page shows it: image id, caption, model, latency and its thumbnail's URL.
     */
    public static ObjectNode caption(String key, CaptionEvent event) {
        String id = event.getImageId() != null ? event.getImageId() : key;
        ObjectNode node = NODES.objectNode();
        node.put("type", "caption");
        node.put("id", id);
        node.put("caption", clip(event.getCaption()));
        node.put("model_name", event.getModelName());
        node.put("model_version", event.getModelVersion());
        node.put("latency_ms", event.getLatencyMillis());
        node.put("captioned_time", event.getCaptionedTime().toEpochMilli());
        node.put("thumbnail", thumbnailPath(id));
        return node;
    }

    /** A dead letter: image id when known, reason code, message and when it failed. */
    public static ObjectNode failure(String key, CaptionFailure failure) {
        ObjectNode node = NODES.objectNode();
        node.put("type", "failure");
        String id = failure.getImageId() != null ? failure.getImageId() : key;
        if (id == null) {
            node.putNull("id");
        } else {
            node.put("id", id);
        }
        node.put("reason", failure.getReason().toString());
        node.put("message", clip(failure.getMessage()));
        node.put("failure_time", failure.getFailureTime().toEpochMilli());
        return node;
    }

    /** An activation on the models topic: which version of which model serves from now on. */
    public static ObjectNode activation(ModelActivation activation) {
        ObjectNode node = NODES.objectNode();
        node.put("type", "activation");
        node.put("model_name", activation.getModelName());
        node.put("version", activation.getVersion());
        node.put("activated_time", activation.getActivatedTime().toEpochMilli());
        putNullable(node, "reason", activation.getReason());
        putNullable(node, "previous_version", activation.getPreviousVersion());
        if (activation.getSequence() == null) {
            node.putNull("sequence");
        } else {
            node.put("sequence", activation.getSequence());
        }
        node.put("signed", activation.getSignature() != null);
        return node;
    }

    /** A published version's manifest: its name, version and evaluation metrics. */
    public static ObjectNode version(ModelManifest manifest) {
        ObjectNode node = NODES.objectNode();
        node.put("type", "version");
        node.put("model_name", manifest.getModelName());
        node.put("version", manifest.getVersion());
        node.put("created_time", manifest.getCreatedTime().toEpochMilli());
        putNullable(node, "parent_version", manifest.getParentVersion());
        ObjectNode metrics = node.putObject("metrics");
        Map<String, Double> sorted = new TreeMap<>();
        manifest.getMetrics().forEach((k, v) -> sorted.put(k.toString(), v));
        sorted.forEach(metrics::put);
        return node;
    }

    /** A training run's decision as the page shows it: run, trigger, decision, version, scores. */
    public static ObjectNode training(TrainingRun run) {
        ObjectNode d = NODES.objectNode();
        d.put("run_id", run.getRunId());
        d.put("model_name", run.getModelName());
        d.put("trigger", String.valueOf(run.getTrigger()));
        d.put("decision", String.valueOf(run.getDecision()));
        putNullable(d, "reason", run.getError() != null ? run.getError() : run.getReason());
        putNullable(d, "version", run.getVersion());
        d.put("pairs_train", run.getPairsTrain());
        d.put("warm_start", run.getWarmStart());
        d.put("gate_metric", run.getGateMetric());
        Double candidate = run.getCandidateMetrics().get(run.getGateMetric());
        Double active =
                run.getActiveMetrics() == null
                        ? null
                        : run.getActiveMetrics().get(run.getGateMetric());
        if (candidate == null) {
            d.putNull("candidate");
        } else {
            d.put("candidate", candidate);
        }
        if (active == null) {
            d.putNull("active");
        } else {
            d.put("active", active);
        }
        d.put("finished_time", run.getFinishedTime().toEpochMilli());
        return trainingDecision(d);
    }

    /** A training decision already as JSON, wrapped so the page lists it. */
    public static ObjectNode trainingDecision(JsonNode decision) {
        ObjectNode node = NODES.objectNode();
        node.put("type", "training");
        node.set("decision", decision.deepCopy());
        return node;
    }

    /** Where the page fetches the thumbnail of {@code imageId}. */
    static String thumbnailPath(String imageId) {
        return "/thumbnail?id=" + URLEncoder.encode(imageId, StandardCharsets.UTF_8);
    }

    private static String clip(CharSequence text) {
        if (text == null) {
            return "";
        }
        String s = text.toString();
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "…";
    }

    private static void putNullable(ObjectNode node, String field, CharSequence value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value.toString());
        }
    }
}

package io.captioner.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.captioner.events.CaptionEvent;
import io.captioner.events.CaptionFailure;
import io.captioner.schemas.Fixtures;
import org.junit.jupiter.api.Test;

class LiveEventsTest {

    @Test
    void shouldMapACaptionToWhatThePageShows() {
        // given a caption of image "img 1/ä"
        CaptionEvent event = Fixtures.caption();
        event.setImageId("img 1/ä");

        // when mapped
        ObjectNode node = LiveEvents.caption("key", event);

        // then the page gets id, caption, model, latency and an encoded thumbnail URL
        assertThat(node.get("type").asText()).isEqualTo("caption");
        assertThat(node.get("id").asText()).isEqualTo("img 1/ä");
        assertThat(node.get("caption").asText()).isEqualTo("a dog runs on the grass");
        assertThat(node.get("model_name").asText()).isEqualTo("captioner");
        assertThat(node.get("model_version").asText()).isEqualTo("v3");
        assertThat(node.get("latency_ms").asLong()).isEqualTo(42);
        assertThat(node.get("captioned_time").asLong()).isEqualTo(Fixtures.T0.toEpochMilli() + 42);
        assertThat(node.get("thumbnail").asText()).isEqualTo("/thumbnail?id=img+1%2F%C3%A4");
    }

    @Test
    void shouldClipHugeCaptionsAndMessages() {
        CaptionEvent event = Fixtures.caption();
        event.setCaption("x".repeat(10_000));
        CaptionFailure failure = Fixtures.failure();
        failure.setMessage("y".repeat(10_000));

        assertThat(LiveEvents.caption("k", event).get("caption").asText())
                .hasSize(LiveEvents.MAX_TEXT + 1);
        assertThat(LiveEvents.failure("k", failure).get("message").asText())
                .hasSize(LiveEvents.MAX_TEXT + 1);
    }

    @Test
    void shouldMapADeadLetterWithItsReasonAndFallBackToTheKeyForItsId() {
        CaptionFailure failure = Fixtures.failure();
        failure.setImageId(null);

        ObjectNode withKey = LiveEvents.failure("from-key", failure);
        ObjectNode without = LiveEvents.failure(null, failure);

        assertThat(withKey.get("reason").asText()).isEqualTo("UNDECODABLE_IMAGE");
        assertThat(withKey.get("message").asText()).isEqualTo("not a JPEG: bad SOI marker");
        assertThat(withKey.get("id").asText()).isEqualTo("from-key");
        assertThat(without.get("id").isNull()).isTrue();
    }

    @Test
    void shouldMapActivationsAndVersionsWithTheirMetrics() {
        ObjectNode activation = LiveEvents.activation(Fixtures.activation());
        ObjectNode version = LiveEvents.version(Fixtures.manifest());

        assertThat(activation.get("type").asText()).isEqualTo("activation");
        assertThat(activation.get("model_name").asText()).isEqualTo("captioner");
        assertThat(activation.get("version").asText()).isEqualTo("v3");
        assertThat(version.get("metrics").get("bleu4").asDouble()).isEqualTo(0.21);
        assertThat(version.get("metrics").get("val_loss").asDouble()).isEqualTo(2.5);
        assertThat(version.get("parent_version").asText()).isEqualTo("v2");
    }

    @Test
    void shouldWrapATrainingDecisionWithoutSharingIt() {
        ObjectNode decision = JsonNodeFactory.instance.objectNode().put("decision", "PROMOTE");

        ObjectNode node = LiveEvents.trainingDecision(decision);
        decision.put("decision", "changed");

        assertThat(node.get("type").asText()).isEqualTo("training");
        assertThat(node.get("decision").get("decision").asText()).isEqualTo("PROMOTE");
    }

    @Test
    void shouldMapATrainingRunToItsDecisionAndGateScores() {
        // given a published run that beat the active version on CIDEr
        ObjectNode node = LiveEvents.training(Fixtures.trainingRun());

        // then the page gets the decision, the version and both scores of the gate metric
        assertThat(node.get("type").asText()).isEqualTo("training");
        ObjectNode d = (ObjectNode) node.get("decision");
        assertThat(d.get("decision").asText()).isEqualTo("PUBLISHED");
        assertThat(d.get("trigger").asText()).isEqualTo("COMMAND");
        assertThat(d.get("version").asText()).isEqualTo("v3");
        assertThat(d.get("gate_metric").asText()).isEqualTo("CIDEr");
        assertThat(d.get("candidate").asDouble()).isEqualTo(2.5);
        assertThat(d.get("active").asDouble()).isEqualTo(2.1);
        assertThat(d.get("reason").asText()).isEqualTo("CIDEr 2.5 > 2.1 + 0.05");
    }
}

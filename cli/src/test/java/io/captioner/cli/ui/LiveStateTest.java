package io.captioner.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.captioner.events.CaptionEvent;
import io.captioner.events.ModelActivation;
import io.captioner.events.ModelManifest;
import io.captioner.schemas.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LiveStateTest {

    @Test
    void shouldKeepOnlyTheLastCaptionsButCountThemAll() {
        LiveState state = new LiveState(3, 2, 10);

        for (int i = 0; i < 10; i++) {
            state.accept(caption("img-" + i));
        }

        ObjectNode snapshot = state.snapshot();
        assertThat(ids(snapshot.get("captions"))).containsExactly("img-7", "img-8", "img-9");
        assertThat(snapshot.get("captions_seen").asLong()).isEqualTo(10);
    }

    @Test
    void shouldShowTheActivationWithTheHighestSequencePerModel() {
        LiveState state = new LiveState(3, 2, 10);

        state.accept(activation("captioner", "v2", 2));
        state.accept(activation("captioner", "v1", 1));
        state.accept(activation("other", "o1", 1));

        JsonNode active = state.snapshot().get("active");
        assertThat(active).hasSize(2);
        assertThat(active.get(0).get("version").asText()).isEqualTo("v2");
        assertThat(active.get(1).get("version").asText()).isEqualTo("o1");
    }

    @Test
    void shouldKeepABoundedNumberOfVersions() {
        LiveState state = new LiveState(3, 2, 10);

        for (int i = 0; i < LiveState.MAX_VERSIONS + 10; i++) {
            ModelManifest m = Fixtures.manifest();
            m.setVersion("v" + i);
            state.accept(LiveEvents.version(m));
        }

        JsonNode versions = state.snapshot().get("versions");
        assertThat(versions).hasSize(LiveState.MAX_VERSIONS);
        assertThat(versions.get(0).get("version").asText()).isEqualTo("v10");
    }

    @Test
    void shouldSendNewEventsToSubscribersInOrder() throws Exception {
        LiveState state = new LiveState(3, 2, 10);
        state.accept(caption("before"));

        try (LiveState.Subscription s = state.subscribe()) {
            state.accept(caption("a"));
            state.accept(LiveEvents.failure("b", Fixtures.failure()));

            assertThat(s.next(1, TimeUnit.SECONDS).get("id").asText()).isEqualTo("a");
            assertThat(s.next(1, TimeUnit.SECONDS).get("type").asText()).isEqualTo("failure");
            assertThat(s.next(10, TimeUnit.MILLISECONDS)).isNull();
            assertThat(s.ended()).isFalse();
        }
        assertThat(state.subscribers()).isZero();
    }

    @Test
    void shouldEndASubscriberThatFallsTooFarBehind() throws Exception {
        LiveState state = new LiveState(3, 2, 2);
        LiveState.Subscription slow = state.subscribe();

        for (int i = 0; i < 5; i++) {
            state.accept(caption("img-" + i));
        }

        assertThat(slow.ended()).isTrue();
        assertThat(slow.next(10, TimeUnit.MILLISECONDS)).isNull();
        assertThat(state.subscribers()).isZero();
    }

    @Test
    void shouldEndSubscribersOnCloseAndIgnoreLaterEvents() throws Exception {
        LiveState state = new LiveState(3, 2, 10);
        LiveState.Subscription s = state.subscribe();

        state.close();
        state.accept(caption("late"));

        assertThat(s.ended()).isTrue();
        assertThat(s.next(1, TimeUnit.SECONDS)).isNull();
        assertThat(state.subscribe().ended()).isTrue();
        assertThat(state.snapshot().get("captions")).isEmpty();
    }

    @Test
    void shouldRejectAnEventOfUnknownType() {
        LiveState state = new LiveState(3, 2, 10);

        assertThatThrownBy(
                        () -> state.accept(JsonNodeFactory.instance.objectNode().put("type", "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown event type: x");
    }

    private static ObjectNode caption(String id) {
        CaptionEvent event = Fixtures.caption();
        event.setImageId(id);
        return LiveEvents.caption(id, event);
    }

    private static ObjectNode activation(String model, String version, long sequence) {
        ModelActivation a = Fixtures.activation();
        a.setModelName(model);
        a.setVersion(version);
        a.setSequence(sequence);
        return LiveEvents.activation(a);
    }

    private static List<String> ids(JsonNode array) {
        List<String> ids = new ArrayList<>();
        array.forEach(n -> ids.add(n.get("id").asText()));
        return ids;
    }
}

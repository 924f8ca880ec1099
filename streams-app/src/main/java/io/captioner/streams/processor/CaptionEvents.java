package io.captioner.streams.processor;

import io.captioner.events.AlternativeCaption;
import io.captioner.events.CaptionEvent;
import io.captioner.events.DecodingStrategy;
import io.captioner.events.ImageEvent;
import io.captioner.model.CaptionResult;
import io.captioner.model.DecodingOptions;
import io.captioner.streams.model.ServingModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds the {@link CaptionEvent} of a captioned image. */
final class CaptionEvents {

    private CaptionEvents() {}

    /**
     * The caption event of {@code result}; the latency is never negative (an event time slightly in
     * the future, within the accepted clock skew, counts as captioned at once).
     */
    static CaptionEvent of(
            ServingModel model,
            ImageEvent event,
            CaptionResult result,
            DecodingOptions options,
            long nowMs) {
        List<AlternativeCaption> alternatives = new ArrayList<>(result.alternatives().size());
        for (CaptionResult alt : result.alternatives()) {
            alternatives.add(
                    AlternativeCaption.newBuilder()
                            .setText(alt.text())
                            .setTokens(List.copyOf(alt.tokens()))
                            .setScore(alt.logProbability())
                            .build());
        }
        Instant eventTime = event.getEventTime();
        return CaptionEvent.newBuilder()
                .setImageId(event.getImageId())
                .setCaption(result.text())
                .setTokens(List.copyOf(result.tokens()))
                .setScore(result.logProbability())
                .setAlternatives(alternatives)
                .setModelName(model.name())
                .setModelVersion(model.version())
                .setDecodingStrategy(
                        options.beamSize() == 1 ? DecodingStrategy.GREEDY : DecodingStrategy.BEAM)
                .setBeamSize(options.beamSize())
                .setImageEventTime(eventTime)
                .setCaptionedTime(Instant.ofEpochMilli(nowMs))
                .setLatencyMillis(Math.max(0, nowMs - eventTime.toEpochMilli()))
                .build();
    }
}

package io.captioner.streams.processor;

import io.captioner.events.FailureReason;
import io.captioner.model.image.ImageDecodingException;
import io.captioner.schemas.InvalidEventException;
import io.captioner.streams.fetch.ImageFetchException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Maps the typed exceptions of the pipeline onto reason codes: decoder and fetcher reasons by name
 * (they are named like the codes), serde failures to {@code DESERIALIZATION_ERROR}, contract
 * violations to {@code INVALID_EVENT}, model failures to {@code MODEL_ERROR}, anything else to
 * {@code INTERNAL_ERROR}.
 */
public final class DefaultFailureMapper implements FailureMapper {

    /** The shared instance; the mapper is stateless. */
    public static final DefaultFailureMapper INSTANCE = new DefaultFailureMapper();

    private DefaultFailureMapper() {}

    @Override
    public FailureReason reasonOf(Throwable failure) {
        if (failure instanceof CaptioningException e) {
            return e.reason();
        }
        if (failure instanceof ImageDecodingException e) {
            return FailureReason.valueOf(e.reason().name());
        }
        if (failure instanceof ImageFetchException e) {
            return FailureReason.valueOf(e.reason().name());
        }
        if (failure instanceof SerializationException) {
            return FailureReason.DESERIALIZATION_ERROR;
        }
        if (failure instanceof InvalidEventException) {
            return FailureReason.INVALID_EVENT;
        }
        return FailureReason.INTERNAL_ERROR;
    }
}

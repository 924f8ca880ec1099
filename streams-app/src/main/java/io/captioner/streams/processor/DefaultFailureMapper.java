package io.captioner.streams.processor;

import io.captioner.events.FailureReason;
import io.captioner.model.image.ImageDecodingException;
import io.captioner.schemas.InvalidEventException;
import io.captioner.schemas.registry.SchemaRegistryConnectionException;
import io.captioner.schemas.registry.SchemaRegistryException;
import io.captioner.streams.fetch.ImageFetchException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Maps the typed exceptions of the pipeline onto reason codes: decoder and fetcher reasons by name
 * (they are named like the codes), serde failures to {@code DESERIALIZATION_ERROR}, contract
 * violations to {@code INVALID_EVENT}, model failures to {@code MODEL_ERROR}, anything else to
 * {@code INTERNAL_ERROR}. Registry outages (connection failures, 5xx answers) are {@link
 * #isTransient transient}: an image must not be dead-lettered because the registry was down.
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

    @Override
    public boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SchemaRegistryConnectionException) {
                return true;
            }
            if (t instanceof SchemaRegistryException e && e.httpStatus() >= 500) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}

package io.captioner.streams.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.events.FailureReason;
import io.captioner.model.image.ImageDecodingException;
import io.captioner.schemas.InvalidEventException;
import io.captioner.schemas.registry.SchemaNotFoundException;
import io.captioner.schemas.registry.SchemaRegistryConnectionException;
import io.captioner.schemas.registry.SchemaRegistryException;
import io.captioner.streams.fetch.ImageFetchException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class DefaultFailureMapperTest {

    private final FailureMapper mapper = FailureMapper.defaults();

    @Test
    void shouldMapEveryDecoderReasonToTheCodeOfTheSameName() {
        for (ImageDecodingException.Reason reason : ImageDecodingException.Reason.values()) {
            assertThat(mapper.reasonOf(new ImageDecodingException(reason, "x")).name())
                    .isEqualTo(reason.name());
        }
    }

    @Test
    void shouldMapEveryFetcherReasonToTheCodeOfTheSameName() {
        for (ImageFetchException.Reason reason : ImageFetchException.Reason.values()) {
            assertThat(mapper.reasonOf(new ImageFetchException(reason, "x")).name())
                    .isEqualTo(reason.name());
        }
    }

    @Test
    void shouldTreatRegistryOutagesAsTransientButUnknownSchemasAsPoison() {
        assertThat(
                        mapper.isTransient(
                                new SerializationException(
                                        "x", new SchemaRegistryConnectionException("down", null))))
                .isTrue();
        assertThat(
                        mapper.isTransient(
                                new SerializationException(
                                        "x", new SchemaRegistryException("busy", 503, 50301))))
                .isTrue();
        assertThat(
                        mapper.isTransient(
                                new SerializationException(
                                        "x", new SchemaNotFoundException("gone", 404, 40403))))
                .isFalse();
        assertThat(mapper.isTransient(new SerializationException("bad magic byte"))).isFalse();
    }

    @Test
    void shouldMapSerdeContractModelAndUnknownFailures() {
        assertThat(mapper.reasonOf(new SerializationException("x")))
                .isEqualTo(FailureReason.DESERIALIZATION_ERROR);
        assertThat(mapper.reasonOf(new InvalidEventException("x")))
                .isEqualTo(FailureReason.INVALID_EVENT);
        assertThat(mapper.reasonOf(new CaptioningException(FailureReason.MODEL_ERROR, "x", null)))
                .isEqualTo(FailureReason.MODEL_ERROR);
        assertThat(mapper.reasonOf(new IllegalStateException("x")))
                .isEqualTo(FailureReason.INTERNAL_ERROR);
    }
}

package io.captioner.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.captioner.events.ImageEvent;
import io.captioner.events.LabeledPair;
import io.captioner.events.ModelChunk;
import io.captioner.events.ModelManifest;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventValidationTest {

    @Test
    void shouldAcceptValidFixtures() {
        assertThat(EventValidation.validate(Fixtures.inlineImage())).isNotNull();
        assertThat(EventValidation.validate(Fixtures.uriImage())).isNotNull();
        assertThat(EventValidation.validate(Fixtures.labeledPair())).isNotNull();
        assertThat(EventValidation.validate(Fixtures.manifest())).isNotNull();
        assertThat(EventValidation.validate(Fixtures.chunk())).isNotNull();
    }

    @Test
    void shouldRequireExactlyOneImageRepresentation() {
        ImageEvent both =
                ImageEvent.newBuilder(Fixtures.inlineImage()).setImageUri("file:///a").build();
        ImageEvent neither =
                ImageEvent.newBuilder(Fixtures.inlineImage()).setImageBytes(null).build();
        ImageEvent empty =
                ImageEvent.newBuilder(Fixtures.inlineImage())
                        .setImageBytes(ByteBuffer.allocate(0))
                        .build();

        assertThatThrownBy(() -> EventValidation.validate(both))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("has both imageBytes and imageUri");
        assertThatThrownBy(() -> EventValidation.validate(neither))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("neither imageBytes nor imageUri");
        assertThatThrownBy(() -> EventValidation.validate(empty))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("empty imageBytes");
    }

    @Test
    void shouldRejectRelativeOrMalformedUriAndBlankId() {
        ImageEvent relative =
                ImageEvent.newBuilder(Fixtures.uriImage()).setImageUri("images/a.jpg").build();
        ImageEvent malformed =
                ImageEvent.newBuilder(Fixtures.uriImage()).setImageUri("http://a b/c").build();
        ImageEvent blank = ImageEvent.newBuilder(Fixtures.uriImage()).setImageId(" ").build();

        assertThatThrownBy(() -> EventValidation.validate(relative))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("relative imageUri");
        assertThatThrownBy(() -> EventValidation.validate(malformed))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("malformed imageUri");
        assertThatThrownBy(() -> EventValidation.validate(blank))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("blank imageId");
    }

    @Test
    void shouldRequireNonBlankReferenceCaptions() {
        LabeledPair none =
                LabeledPair.newBuilder(Fixtures.labeledPair()).setReferences(List.of()).build();
        LabeledPair blank =
                LabeledPair.newBuilder(Fixtures.labeledPair())
                        .setReferences(List.of("ok", ""))
                        .build();

        assertThatThrownBy(() -> EventValidation.validate(none))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("no reference caption");
        assertThatThrownBy(() -> EventValidation.validate(blank))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("blank reference caption #1");
    }

    @Test
    void shouldRejectManifestWhoseChunksCannotHoldArtifact() {
        ModelManifest tooBig =
                ModelManifest.newBuilder(Fixtures.manifest()).setArtifactSizeBytes(1_025).build();
        ModelManifest tooSmall =
                ModelManifest.newBuilder(Fixtures.manifest()).setArtifactSizeBytes(512).build();
        ModelManifest badSha =
                ModelManifest.newBuilder(Fixtures.manifest()).setSha256("ABC").build();
        ModelManifest halfSigned =
                ModelManifest.newBuilder(Fixtures.manifest()).setSignatureKeyId(null).build();

        assertThatThrownBy(() -> EventValidation.validate(tooBig))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("2 chunks of 512 bytes cannot hold an artifact of 1025 bytes")
                .hasMessageContaining("expected 513..1024");
        assertThatThrownBy(() -> EventValidation.validate(tooSmall))
                .isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> EventValidation.validate(badSha))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("64 lower-case hex");
        assertThatThrownBy(() -> EventValidation.validate(halfSigned))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("both set or both null");
    }

    @Test
    void shouldRejectChunkOutsideCountOrEmpty() {
        ModelChunk outside = ModelChunk.newBuilder(Fixtures.chunk()).setIndex(2).build();
        ModelChunk empty =
                ModelChunk.newBuilder(Fixtures.chunk()).setData(ByteBuffer.allocate(0)).build();

        assertThatThrownBy(() -> EventValidation.validate(outside))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("index 2 is outside 0..count-1 for count 2");
        assertThatThrownBy(() -> EventValidation.validate(empty))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("has no data");
    }
}

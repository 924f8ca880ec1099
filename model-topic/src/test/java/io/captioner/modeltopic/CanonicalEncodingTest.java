package io.captioner.modeltopic;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.events.ModelManifest;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalEncodingTest {

    private static final String SHA = "0123456789abcdef".repeat(4);

    /**
     * The encoding of {@link #manifest()}, written out from the specification in {@link
     * ModelSigning} (by an independent implementation): a change here breaks every signature ever
     * made, so it must be deliberate.
     */
    private static final String GOLDEN =
            "0000001b63617074696f6e65722e6d6f64656c2d6d616e69666573742e763100"
                    + "00000363617000000002763100000000000003e8000000403031323334353637"
                    + "3839616263646566303132333435363738396162636465663031323334353637"
                    + "3839616263646566303132333435363738396162636465660000000200000200"
                    + "0100000007646a6c2d7a6970";

    private static ModelManifest manifest() {
        return ModelManifest.newBuilder()
                .setModelName("cap")
                .setVersion("v1")
                .setArtifactSizeBytes(1000)
                .setSha256(SHA)
                .setChunkCount(2)
                .setChunkSizeBytes(512)
                .setArtifactFormat("djl-zip")
                .setArchitecture(TestModels.architecture())
                .setMetrics(Map.of("bleu4", 0.3))
                .setCreatedTime(Instant.parse("2026-01-01T00:00:00Z"))
                .build();
    }

    @Test
    void shouldEncodeIdentityFieldsAsSpecified() {
        assertThat(HexFormat.of().formatHex(ModelSigning.canonicalBytes(manifest())))
                .isEqualTo(GOLDEN);
    }

    @Test
    void shouldEncodeAbsentFormatAsSingleZeroByte() {
        ModelManifest noFormat =
                ModelManifest.newBuilder(manifest()).setArtifactFormat(null).build();

        byte[] bytes = ModelSigning.canonicalBytes(noFormat);

        String withoutFormat =
                GOLDEN.substring(0, GOLDEN.length() - "0100000007646a6c2d7a6970".length());
        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo(withoutFormat + "00");
    }

    @Test
    void shouldIgnoreDescriptiveFieldsAndSignature() {
        ModelManifest described =
                ModelManifest.newBuilder(manifest())
                        .setMetrics(Map.of("bleu4", 0.9, "cider", 1.1))
                        .setParentVersion("v0")
                        .setCreatedTime(Instant.parse("2030-01-01T00:00:00Z"))
                        .setSignature(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                        .setSignatureKeyId("0011223344556677")
                        .build();

        assertThat(ModelSigning.canonicalBytes(described))
                .isEqualTo(ModelSigning.canonicalBytes(manifest()));
    }

    @Test
    void shouldKeepFieldBoundariesUnambiguous() {
        ModelManifest ab =
                ModelManifest.newBuilder(manifest()).setModelName("ab").setVersion("c").build();
        ModelManifest a =
                ModelManifest.newBuilder(manifest()).setModelName("a").setVersion("bc").build();

        assertThat(ModelSigning.canonicalBytes(ab)).isNotEqualTo(ModelSigning.canonicalBytes(a));
    }

    @Test
    void shouldEncodeNonAsciiNamesAsUtf8() {
        ModelManifest unicode =
                ModelManifest.newBuilder(manifest()).setModelName("légende").build();

        String hex = HexFormat.of().formatHex(ModelSigning.canonicalBytes(unicode));

        // 8 bytes: é is two bytes in UTF-8.
        assertThat(hex).contains("000000086cc3a967656e6465");
    }
}

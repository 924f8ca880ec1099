package io.captioner.streams.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.captioner.model.DecodingOptions;
import io.captioner.model.artifact.ModelArtifact;
import io.captioner.modeltopic.ActivationEvent;
import io.captioner.modeltopic.ModelVerificationException;
import io.captioner.streams.Fixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a swap from the models topic does with verified artifacts, without Kafka. */
class ModelSwapperTest {

    @TempDir static Path dir;
    private static Path first;
    private static Path second;
    private static String firstVersion;
    private static String secondVersion;

    private final ModelSwapMetrics metrics = new ModelSwapMetrics(new SimpleMeterRegistry());

    @BeforeAll
    static void createModels() throws Exception {
        first = Fixtures.model(dir, "swap", 1, 16, 16);
        second = Fixtures.model(dir, "swap", 2, 16, 16);
        firstVersion = ModelArtifact.readManifest(first).version();
        secondVersion = ModelArtifact.readManifest(second).version();
    }

    private static ActivationEvent event(String name, String version, Path file) {
        return Fixtures.activationEvent(name, version, file);
    }

    private ModelSwapper swapper(ModelHolder holder) {
        return new ModelSwapper(holder, "swap", DecodingOptions.greedy(), metrics);
    }

    @Test
    void shouldInstallTheActivatedVersionAndRetireThePreviousOne() throws Exception {
        try (ModelHolder holder = new ModelHolder()) {
            ModelSwapper swapper = swapper(holder);
            swapper.onActivation(event("swap", firstVersion, first));
            ServingModel old = holder.current().orElseThrow();

            swapper.onActivation(event("swap", secondVersion, second));

            assertThat(holder.current().orElseThrow().version()).isEqualTo(secondVersion);
            assertThat(old.references()).as("closed: no batch held it").isZero();
            assertThat(metrics.swaps()).isEqualTo(2);
            assertThat(metrics.lastLoadSeconds()).isPositive();
        }
    }

    @Test
    void shouldIgnoreActivationsOfOtherModels() throws Exception {
        try (ModelHolder holder = new ModelHolder()) {
            swapper(holder).onActivation(event("other", firstVersion, first));

            assertThat(holder.current()).isEmpty();
            assertThat(metrics.swaps()).isZero();
            assertThat(metrics.refusedTotal()).isZero();
        }
    }

    @Test
    void shouldRefuseAFileThatIsNotAModelAndKeepServingTheCurrentOne() throws Exception {
        Path garbage = Files.write(dir.resolve("garbage.zip"), new byte[] {1, 2, 3, 4});
        try (ModelHolder holder = ModelHolder.load(first)) {
            assertThatThrownBy(() -> swapper(holder).onActivation(event("swap", "v-bad", garbage)))
                    .isInstanceOf(ModelSwapper.ModelRefusedException.class)
                    .hasMessageContaining(ModelSwapMetrics.LOAD_FAILED)
                    .hasMessageContaining("v-bad");

            assertThat(holder.current().orElseThrow().version()).isEqualTo(firstVersion);
            assertThat(metrics.refused(ModelSwapMetrics.LOAD_FAILED)).isEqualTo(1);
        }
    }

    @Test
    void shouldRefuseAnArtifactWhoseOwnManifestNamesAnotherVersion() throws Exception {
        try (ModelHolder holder = ModelHolder.load(first)) {
            assertThatThrownBy(
                            () -> swapper(holder).onActivation(event("swap", "v-claimed", second)))
                    .isInstanceOf(ModelSwapper.ModelRefusedException.class)
                    .hasMessageContaining(ModelSwapMetrics.MANIFEST_MISMATCH)
                    .hasMessageContaining(secondVersion);

            assertThat(holder.current().orElseThrow().version()).isEqualTo(firstVersion);
            assertThat(metrics.refused(ModelSwapMetrics.MANIFEST_MISMATCH)).isEqualTo(1);
        }
    }

    @Test
    void shouldCountVersionsRefusedInVerificationByReason() {
        try (ModelHolder holder = new ModelHolder()) {
            ModelSwapper swapper = swapper(holder);

            swapper.onRejected(
                    Fixtures.activation("swap", "v9"),
                    new ModelVerificationException(
                            ModelVerificationException.Reason.BAD_SIGNATURE, "swap", "v9", "no"));
            swapper.onRejected(
                    Fixtures.activation("other", "v9"),
                    new ModelVerificationException(
                            ModelVerificationException.Reason.BAD_SIGNATURE, "other", "v9", "no"));

            assertThat(metrics.refused(ModelVerificationException.Reason.BAD_SIGNATURE))
                    .isEqualTo(1);
            assertThat(metrics.refusedTotal()).isEqualTo(1);
        }
    }

    @Test
    void shouldRefuseAVersionWhoseLoadThrowsAnErrorAndKeepServing() throws Exception {
        try (ModelHolder holder = ModelHolder.load(first)) {
            for (Error error :
                    new Error[] {
                        new OutOfMemoryError("Java heap space"),
                        new NoClassDefFoundError("ai/djl/Missing")
                    }) {
                ModelSwapper swapper =
                        new ModelSwapper(
                                holder,
                                "swap",
                                DecodingOptions.greedy(),
                                metrics,
                                artifact -> {
                                    throw error;
                                });

                assertThatThrownBy(() -> swapper.onActivation(event("swap", secondVersion, second)))
                        .isInstanceOf(ModelSwapper.ModelRefusedException.class)
                        .hasMessageContaining(ModelSwapMetrics.LOAD_FAILED)
                        .hasCause(error);
            }

            assertThat(holder.current().orElseThrow().version()).isEqualTo(firstVersion);
            assertThat(metrics.refused(ModelSwapMetrics.LOAD_FAILED)).isEqualTo(2);
        }
    }

    @Test
    void shouldCountActivationRecordsRefusedByTrustedKeys() {
        try (ModelHolder holder = new ModelHolder()) {
            ModelSwapper swapper = swapper(holder);

            swapper.onRecordRefused(
                    new ModelVerificationException(
                            ModelVerificationException.Reason.STALE_ACTIVATION,
                            "swap",
                            "v1",
                            "old"));
            swapper.onRecordRefused(
                    new ModelVerificationException(
                            ModelVerificationException.Reason.ACTIVATION_TOMBSTONE,
                            "other",
                            null,
                            "tombstone"));

            assertThat(metrics.refused(ModelVerificationException.Reason.STALE_ACTIVATION))
                    .isEqualTo(1);
            assertThat(metrics.refusedTotal()).isEqualTo(1);
        }
    }
}

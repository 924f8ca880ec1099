package io.captioner.streams.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.model.Captioner;
import io.captioner.streams.Fixtures;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelHolderTest {

    @TempDir static Path dir;
    private static Path modelFile;

    @BeforeAll
    static void createModel() throws Exception {
        modelFile = Fixtures.tinyModel(dir);
    }

    @Test
    void shouldLeaseNothingWhileNoModelIsInstalled() {
        try (ModelHolder holder = new ModelHolder()) {
            assertThat(holder.tryAcquire()).isEmpty();
            assertThat(holder.currentManifest()).isEmpty();
        }
    }

    @Test
    void shouldKeepASwappedOutModelOpenUntilItsLastLeaseIsReturned() throws Exception {
        try (ModelHolder holder = ModelHolder.load(modelFile)) {
            ModelLease lease = holder.tryAcquire().orElseThrow();
            ServingModel first = lease.model();
            assertThat(first.references()).isEqualTo(2);

            holder.install(Captioner.load(modelFile));

            assertThat(first.references()).as("only the batch holds it now").isEqualTo(1);
            BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            assertThat(
                            lease.captioner()
                                    .caption(image, io.captioner.model.DecodingOptions.greedy())
                                    .text())
                    .isNotNull();
            lease.close();
            lease.close();
            assertThat(first.references()).isZero();

            Optional<ModelLease> next = holder.tryAcquire();
            assertThat(next).isPresent();
            assertThat(next.get().model()).isNotSameAs(first);
            next.get().close();
        }
    }

    @Test
    void shouldTellListenersAfterEveryInstallAndAtCloseEvenWhenOneFails() throws Exception {
        List<Optional<String>> seen = new ArrayList<>();
        ModelHolder holder = new ModelHolder();
        holder.addChangeListener(
                () -> {
                    throw new IllegalStateException("a broken observer");
                });
        holder.addChangeListener(() -> seen.add(holder.currentManifest().map(m -> m.version())));

        holder.install(Captioner.load(modelFile));
        String version = holder.current().orElseThrow().version();
        holder.close();

        assertThat(seen).containsExactly(Optional.of(version), Optional.empty());
    }

    @Test
    void shouldCloseTheModelWhenTheHolderClosesWithoutLeases() throws Exception {
        ModelHolder holder = ModelHolder.load(modelFile);
        ServingModel model = holder.current().orElseThrow();

        holder.close();

        assertThat(model.references()).isZero();
        assertThat(holder.tryAcquire()).isEmpty();
    }
}

package io.captioner.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatasetSpecTest {

    @Test
    void shouldParseSyntheticSpecAndGenerateExactlyTheRequestedImages() {
        DatasetSpec spec = DatasetSpec.parse("synthetic:42");

        assertThat(spec).isEqualTo(new DatasetSpec.Synthetic(42));
        assertThat(spec).hasToString("synthetic:42");
        List<CaptionedImage> images = spec.load(3);
        assertThat(images)
                .extracting(CaptionedImage::id)
                .containsExactly("synthetic-42-00000", "synthetic-42-00001", "synthetic-42-00002");
    }

    @Test
    void shouldParseNegativeSeeds() {
        assertThat(DatasetSpec.parse("synthetic:-7")).isEqualTo(new DatasetSpec.Synthetic(-7));
    }

    @Test
    void shouldLoadFlickr8kDirectoryThroughTheLayoutReader(@TempDir Path dir) {
        // given a synthetic dataset exported in the Flickr8k layout
        List<CaptionedImage> exported = DatasetSpec.parse("synthetic:5").load(4);
        Flickr8kLayout.export(exported, dir);

        // when loaded back through a flickr8k spec
        DatasetSpec spec = DatasetSpec.parse("flickr8k:" + dir);
        List<CaptionedImage> loaded = spec.load(3);

        // then the first three images come back with their captions
        assertThat(spec).isEqualTo(new DatasetSpec.Flickr8k(dir));
        assertThat(loaded).hasSize(3);
        for (int i = 0; i < loaded.size(); i++) {
            assertThat(loaded.get(i).id()).isEqualTo(exported.get(i).id() + ".jpg");
            assertThat(loaded.get(i).captions()).isEqualTo(exported.get(i).captions());
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "synthetic",
                "synthetic:",
                "synthetic:abc",
                "flickr8k:",
                "coco:",
                "karpathy:a.json",
                "imagenet:1",
                "8"
            })
    void shouldRejectMalformedSpecsNamingTheAcceptedForms(String spec) {
        assertThatThrownBy(() -> DatasetSpec.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad dataset '" + spec + "'");
    }

    @Test
    void shouldRejectNonPositiveImageCounts() {
        assertThatThrownBy(() -> DatasetSpec.parse("synthetic:1").load(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxImages");
    }
}

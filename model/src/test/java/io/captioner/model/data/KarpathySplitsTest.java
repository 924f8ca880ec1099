package io.captioner.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KarpathySplitsTest {

    @TempDir Path dir;

    private static String image(String filepath, String name, String split, String... raws) {
        StringBuilder sentences = new StringBuilder();
        for (String raw : raws) {
            if (sentences.length() > 0) {
                sentences.append(',');
            }
            sentences
                    .append("{\"tokens\":[\"x\"],\"raw\":\"")
                    .append(raw)
                    .append("\",\"imgid\":0,\"sentid\":1}");
        }
        return "{"
                + (filepath == null ? "" : "\"filepath\":\"" + filepath + "\",")
                + "\"sentids\":[1],\"filename\":\""
                + name
                + "\",\"imgid\":0,\"split\":\""
                + split
                + "\",\"sentences\":["
                + sentences
                + "],\"cocoid\":1}";
    }

    @Test
    void shouldHonourKarpathysSplitsAndFilePaths() {
        // given dataset_coco.json with images under their filepath folders
        Path file =
                DatasetFixtures.text(
                        dir.resolve("dataset_coco.json"),
                        "{\"images\":["
                                + image("val2014", "c.jpg", "test", "A test image. ")
                                + ","
                                + image("val2014", "b.jpg", "restval", "Restval goes to train.")
                                + ","
                                + image("train2014", "a.jpg", "train", "one", "two")
                                + ","
                                + image("val2014", "d.jpg", "val", "validation")
                                + ","
                                + image(null, "e.jpg", "odd", "unknown split")
                                + ","
                                + "{\"filename\":\"f.jpg\",\"split\":\"train\",\"sentences\":"
                                + "[{\"tokens\":[\"only\",\"tokens\"]}]}"
                                + "],\"dataset\":\"coco\"}");
        Path images = dir.resolve("coco");
        DatasetFixtures.jpeg(images.resolve("train2014/a.jpg"), Color.RED);
        DatasetFixtures.jpeg(images.resolve("val2014/b.jpg"), Color.GREEN);
        DatasetFixtures.jpeg(images.resolve("c.jpg"), Color.BLUE);
        DatasetFixtures.jpeg(images.resolve("val2014/d.jpg"), Color.WHITE);

        // when
        DatasetSpec.Listed spec =
                (DatasetSpec.Listed) DatasetSpec.parse("karpathy:" + file + ":" + images);
        DatasetListing listing = spec.list();

        // then
        assertThat(listing.name()).isEqualTo("coco");
        assertThat(listing.entries())
                .extracting(DatasetEntry::id)
                .containsExactly("a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.jpg", "f.jpg");
        assertThat(listing.entries())
                .extracting(e -> e.split().map(DatasetSplit::name).orElse("-"))
                .containsExactly("TRAIN", "TRAIN", "TEST", "VALIDATION", "-", "TRAIN");
        assertThat(listing.entries().get(0).file()).isEqualTo(images.resolve("train2014/a.jpg"));
        assertThat(listing.entries().get(2).file())
                .as("c.jpg is not under val2014/, only in the flat folder")
                .isEqualTo(images.resolve("c.jpg"));
        assertThat(listing.entries().get(0).captions()).containsExactly("one", "two");
        assertThat(listing.entries().get(2).captions()).containsExactly("A test image.");
        assertThat(listing.entries().get(5).captions()).containsExactly("only tokens");
        assertThat(listing.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("unknown split 'odd'"));

        List<CaptionedImage> train = spec.load(10, Optional.of(DatasetSplit.TRAIN));
        assertThat(train).extracting(CaptionedImage::id).containsExactly("a.jpg", "b.jpg");
        assertThat(spec.load(10, Optional.of(DatasetSplit.TEST)))
                .extracting(CaptionedImage::id)
                .containsExactly("c.jpg");
    }

    @Test
    void shouldRejectAFileThatListsNoImages() {
        Path file =
                DatasetFixtures.text(dir.resolve("dataset_flickr8k.json"), "{\"dataset\":\"x\"}");
        DatasetFixtures.text(dir.resolve("imgs/.keep"), "");
        assertThatThrownBy(() -> KarpathySplits.list(file, dir.resolve("imgs")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("lists no image");
        assertThatThrownBy(() -> DatasetSpec.parse("karpathy:" + file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("karpathy:DATASET.json:IMAGEDIR needs");
    }
}

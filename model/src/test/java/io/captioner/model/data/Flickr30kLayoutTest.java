package io.captioner.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Flickr30kLayoutTest {

    @TempDir Path dir;

    @Test
    void shouldReadKaggleResultsCsvWithSpacesAfterPipesAndTheMalformedRowsOfTheRealFile() {
        // given the Kaggle archive layout: flickr30k_images/results.csv + flickr30k_images/
        Path root = dir.resolve("flickr30k_images");
        DatasetFixtures.jpeg(root.resolve("flickr30k_images/1000092795.jpg"), Color.RED);
        DatasetFixtures.jpeg(root.resolve("flickr30k_images/2199200615.jpg"), Color.BLUE);
        DatasetFixtures.text(
                root.resolve("results.csv"),
                "\uFEFFimage_name| comment_number| comment\n"
                        + "1000092795.jpg| 0| Two young guys with shaggy hair , look at hands .\n"
                        + "1000092795.jpg| 1| A \"quoted\" caption | with a pipe\n"
                        + "2199200615.jpg| 3| A dog runs .\n"
                        + "2199200615.jpg| 4 A dog runs across the grass .\n"
                        + "garbage line without pipes\n"
                        + "\n");

        // when
        DatasetListing listing = new DatasetSpec.Flickr30k(dir).list();

        // then both images, the pipe-less row recovered, the garbage row reported
        assertThat(listing.name()).isEqualTo("flickr30k");
        assertThat(listing.entries())
                .extracting(DatasetEntry::id)
                .containsExactly("1000092795.jpg", "2199200615.jpg");
        assertThat(listing.entries().get(0).captions())
                .containsExactly(
                        "Two young guys with shaggy hair , look at hands .",
                        "A \"quoted\" caption | with a pipe");
        assertThat(listing.entries().get(1).captions())
                .containsExactly("A dog runs .", "A dog runs across the grass .");
        assertThat(listing.entries().get(1).file())
                .isEqualTo(root.resolve("flickr30k_images/2199200615.jpg"));
        assertThat(listing.entries()).allMatch(e -> e.split().isEmpty());
        assertThat(listing.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.where()).isEqualTo("results.csv line 6"));
    }

    @Test
    void shouldLoadDecodedImagesThroughTheSpec() {
        // given
        DatasetFixtures.jpeg(dir.resolve("flickr30k_images/a.jpg"), Color.GREEN);
        DatasetFixtures.text(
                dir.resolve("results.csv"),
                "image_name| comment_number| comment\na.jpg| 0| a green square\n"
                        + "missing.jpg| 0| not there\n");

        // when
        List<CaptionedImage> images = DatasetSpec.parse("flickr30k:" + dir).load(10);

        // then the missing image is skipped, the present one decoded
        assertThat(images).singleElement().satisfies(i -> assertThat(i.id()).isEqualTo("a.jpg"));
        assertThat(images.get(0).image().getWidth()).isEqualTo(16);
    }

    @Test
    void shouldReadTheOriginalTokenFile() {
        // given
        DatasetFixtures.jpeg(dir.resolve("flickr30k-images/1.jpg"), Color.GREEN);
        DatasetFixtures.text(
                dir.resolve("results_20130124.token"),
                "1.jpg#0\tA man .\n1.jpg#1\tA person .\nbroken\n");

        // when
        DatasetListing listing = Flickr30kLayout.list(dir);

        // then
        assertThat(listing.entries())
                .singleElement()
                .satisfies(e -> assertThat(e.captions()).containsExactly("A man .", "A person ."));
        assertThat(listing.problems()).hasSize(1);
        assertThat(listing.decode(5, Optional.empty()).images()).hasSize(1);
    }

    @Test
    void shouldRejectWrongHeaderMissingFilesAndFilesWithoutAReadableRow() {
        DatasetFixtures.text(dir.resolve("a/results.csv"), "image,caption\nx.jpg,a dog\n");
        DatasetFixtures.text(dir.resolve("a/flickr30k_images/.keep"), "");
        assertThatThrownBy(() -> Flickr30kLayout.list(dir.resolve("a")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("line 1: expected header 'image_name| comment_number|");

        DatasetFixtures.text(
                dir.resolve("b/results.csv"), "image_name| comment_number| comment\njunk\n");
        DatasetFixtures.text(dir.resolve("b/flickr30k_images/.keep"), "");
        assertThatThrownBy(() -> Flickr30kLayout.list(dir.resolve("b")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("lists no readable caption (1 bad rows)");

        assertThatThrownBy(() -> Flickr30kLayout.list(dir.resolve("nope")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("does not exist");
        DatasetFixtures.text(dir.resolve("c/readme"), "");
        assertThatThrownBy(() -> Flickr30kLayout.list(dir.resolve("c")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("expected results.csv or results_20130124.token");
        DatasetFixtures.text(
                dir.resolve("d/results.csv"), "image_name| comment_number| comment\na| 0| b\n");
        assertThatThrownBy(() -> Flickr30kLayout.list(dir.resolve("d")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("no images directory");
    }
}

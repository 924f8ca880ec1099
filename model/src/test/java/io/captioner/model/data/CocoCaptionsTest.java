package io.captioner.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoCaptionsTest {

    @TempDir Path dir;

    private static final String VAL2014 =
            "{\"info\":{\"year\":2014},\"licenses\":[],"
                    + "\"images\":[{\"id\":391895,\"file_name\":\"COCO_val2014_000000391895.jpg\","
                    + "\"width\":640,\"height\":360},"
                    + "{\"id\":522418,\"file_name\":\"COCO_val2014_000000522418.jpg\"},"
                    + "{\"id\":7,\"file_name\":\"uncaptioned.jpg\"}],"
                    + "\"annotations\":["
                    + "{\"image_id\":391895,\"id\":770337,\"caption\":\"A man with a red helmet on"
                    + " a small moped on a dirt road. \"},"
                    + "{\"image_id\":522418,\"id\":1,\"caption\":\"A woman cutting a cake.\"},"
                    + "{\"image_id\":391895,\"id\":2,\"caption\":\"Man riding a motor bike.\"},"
                    + "{\"image_id\":999,\"id\":3,\"caption\":\"orphan\"}]}";

    @Test
    void shouldJoinImagesAndAnnotationsAndTakeTheSplitAndImageFolderFromCocosLayout() {
        // given COCO's own layout: annotations/captions_val2014.json beside val2014/
        Path annotations =
                DatasetFixtures.text(dir.resolve("annotations/captions_val2014.json"), VAL2014);
        DatasetFixtures.jpeg(dir.resolve("val2014/COCO_val2014_000000391895.jpg"), Color.RED);

        // when
        DatasetListing listing =
                ((DatasetSpec.Listed) DatasetSpec.parse("coco:" + annotations)).list();

        // then
        assertThat(listing.name()).isEqualTo("coco");
        assertThat(listing.entries())
                .extracting(DatasetEntry::id)
                .containsExactly("COCO_val2014_000000391895.jpg", "COCO_val2014_000000522418.jpg");
        DatasetEntry first = listing.entries().get(0);
        assertThat(first.captions())
                .containsExactly(
                        "A man with a red helmet on a small moped on a dirt road.",
                        "Man riding a motor bike.");
        assertThat(first.file())
                .isEqualTo(dir.resolve("val2014/COCO_val2014_000000391895.jpg").toAbsolutePath());
        assertThat(first.split()).contains(DatasetSplit.VALIDATION);
        assertThat(listing.problems())
                .extracting(DatasetListing.Problem::message)
                .containsExactlyInAnyOrder(
                        "1 captions of unknown image id 999",
                        "image uncaptioned.jpg has no caption");
    }

    @Test
    void shouldReadAnExplicitImageFolderAndLoadOnlyPresentImages() {
        // given
        Path annotations = DatasetFixtures.text(dir.resolve("captions_train2017.json"), VAL2014);
        DatasetFixtures.jpeg(dir.resolve("imgs/COCO_val2014_000000522418.jpg"), Color.BLUE);

        // when
        DatasetSpec spec = DatasetSpec.parse("coco:" + annotations + ":" + dir.resolve("imgs"));
        List<CaptionedImage> images = spec.load(10, Optional.of(DatasetSplit.TRAIN));

        // then
        assertThat(spec).isEqualTo(new DatasetSpec.Coco(annotations, dir.resolve("imgs")));
        assertThat(spec.hasSplits()).isTrue();
        assertThat(images)
                .singleElement()
                .satisfies(
                        i -> assertThat(i.captions()).containsExactly("A woman cutting a cake."));
    }

    @Test
    void shouldRejectFilesWithoutCaptionsAndUnknownLayouts() {
        Path info =
                DatasetFixtures.text(
                        dir.resolve("annotations/image_info_test2014.json"),
                        "{\"images\":[{\"id\":1,\"file_name\":\"a.jpg\"}]}");
        DatasetFixtures.text(dir.resolve("imgs/.keep"), "");
        assertThatThrownBy(() -> CocoCaptions.list(info, dir.resolve("imgs")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("holds no caption annotations");
        assertThatThrownBy(() -> CocoCaptions.defaultImagesDir(info))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("coco:ANNOTATIONS.json:IMAGEDIR");
        Path notJson = DatasetFixtures.text(dir.resolve("captions_val2014.json"), "[1,2]");
        assertThatThrownBy(() -> CocoCaptions.list(notJson, dir.resolve("imgs")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> CocoCaptions.list(notJson, dir.resolve("none")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("image directory does not exist");
    }
}

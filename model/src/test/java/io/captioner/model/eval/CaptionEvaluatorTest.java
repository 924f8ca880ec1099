package io.captioner.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.captioner.model.data.CaptionedImage;
import io.captioner.model.data.SyntheticDataset;
import io.captioner.model.metrics.CaptionMetrics;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CaptionEvaluatorTest {

    private static final List<CaptionedImage> DATA =
            SyntheticDataset.builder().setSeed(31).setImages(10).build().generate();

    /** A fixed "model" that knows each image's canonical caption by pixel identity. */
    private static CaptionEvaluator.BatchCaptioner oracle(List<Integer> batchSizes) {
        Map<BufferedImage, String> canonical = new IdentityHashMap<>();
        for (CaptionedImage image : DATA) {
            canonical.put(image.image(), image.captions().get(0));
        }
        return images -> {
            batchSizes.add(images.size());
            List<String> out = new ArrayList<>();
            for (BufferedImage image : images) {
                out.add(canonical.get(image));
            }
            return out;
        };
    }

    @Test
    void shouldScorePerfectlyWhenEveryImageGetsOneOfItsOwnReferencesAcrossBatches() {
        List<Integer> batches = new ArrayList<>();
        List<int[]> progress = new ArrayList<>();
        CaptionEvaluator evaluator =
                CaptionEvaluator.builder()
                        .optBatchSize(4)
                        .optExamples(3)
                        .optProgressListener((done, total) -> progress.add(new int[] {done, total}))
                        .build();

        EvaluationReport report = evaluator.evaluate(oracle(batches), DATA);

        assertThat(batches).containsExactly(4, 4, 2);
        assertThat(progress).extracting(p -> p[0]).containsExactly(4, 8, 10);
        assertThat(report.images()).isEqualTo(10);
        assertThat(report.metrics().get("BLEU_4")).isCloseTo(1.0, within(1e-6));
        assertThat(report.metrics().get("ROUGE_L")).isCloseTo(1.0, within(1e-6));
        assertThat(report.metrics())
                .containsOnlyKeys("BLEU_1", "BLEU_2", "BLEU_3", "BLEU_4", "ROUGE_L", "CIDEr");
        assertThat(report.examples()).hasSize(3);
        assertThat(report.examples().get(0).id()).isEqualTo(DATA.get(0).id());
        assertThat(report.examples().get(0).hypothesis()).isEqualTo(DATA.get(0).captions().get(0));
        assertThat(report.examples().get(0).references()).isEqualTo(DATA.get(0).captions());
        assertThat(report.asMap()).containsEntry("images", 10).containsKey("seconds");
    }

    @Test
    void shouldScoreExactlyWhatCaptionMetricsGivesForTheSameCaptions() {
        // given a model that always says the same thing
        CaptionEvaluator.BatchCaptioner constant =
                images ->
                        images.stream()
                                .map(i -> "a large red circle on a gray background")
                                .toList();

        EvaluationReport report = CaptionEvaluator.builder().build().evaluate(constant, DATA);

        Map<String, List<String>> refs = new LinkedHashMap<>();
        Map<String, String> hyps = new LinkedHashMap<>();
        for (CaptionedImage image : DATA) {
            refs.put(image.id(), image.captions());
            hyps.put(image.id(), "a large red circle on a gray background");
        }
        assertThat(report.metrics()).isEqualTo(CaptionMetrics.score(refs, hyps).asMap());
        assertThat(report.metrics().get("BLEU_4")).isLessThan(0.9);
    }

    @Test
    void shouldDetectCaptionsPairedWithTheWrongImages() {
        // given a model that answers each batch in reverse order
        List<Integer> batches = new ArrayList<>();
        CaptionEvaluator.BatchCaptioner right = oracle(batches);
        CaptionEvaluator.BatchCaptioner reversed =
                images -> {
                    List<String> out = new ArrayList<>(right.caption(images));
                    java.util.Collections.reverse(out);
                    return out;
                };

        EvaluationReport report =
                CaptionEvaluator.builder().optBatchSize(5).build().evaluate(reversed, DATA);

        assertThat(report.metrics().get("BLEU_4")).isLessThan(0.9);
    }

    @Test
    void shouldRejectBadInputAndMisbehavingCaptioners() {
        CaptionEvaluator evaluator = CaptionEvaluator.builder().build();
        assertThatThrownBy(() -> evaluator.evaluate(images -> List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> evaluator.evaluate(images -> List.of("x"), DATA))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("returned 1 captions for 10 images");
        List<CaptionedImage> duplicated = List.of(DATA.get(0), DATA.get(0));
        assertThatThrownBy(() -> evaluator.evaluate(images -> List.of("a", "b"), duplicated))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate image id");
        assertThatThrownBy(() -> CaptionEvaluator.builder().optBatchSize(0).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}

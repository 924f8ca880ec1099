package io.captioner.model.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.model.Captioner;
import io.captioner.model.DecodingOptions;
import io.captioner.model.TestModels;
import io.captioner.model.data.CaptionedImage;
import io.captioner.model.data.SyntheticDataset;
import io.captioner.model.text.Tokenizer;
import io.captioner.model.text.Vocabulary;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The floor the synthetic benchmark must separate trained models from: a full-size model with the
 * dataset's real vocabulary but untrained weights scores next to nothing.
 */
class UntrainedBaselineTest {

    private static final Logger LOG = LoggerFactory.getLogger(UntrainedBaselineTest.class);

    @Test
    void shouldScoreAnUntrainedModelBelowFivePercentBleu4() {
        // given the vocabulary of 2000 training images and 200 images of another seed
        List<CaptionedImage> train =
                SyntheticDataset.builder().setSeed(11).setImages(2000).build().generate();
        Vocabulary vocabulary =
                Vocabulary.build(
                        train.stream()
                                .flatMap(i -> i.captions().stream())
                                .map(Tokenizer::tokenize)
                                .toList(),
                        1);
        List<CaptionedImage> test =
                SyntheticDataset.builder().setSeed(12).setImages(200).build().generate();

        // when an untrained model of the default sizes captions them greedily
        try (Captioner untrained = TestModels.randomCaptioner(vocabulary, 256, 512, 1, 7)) {
            EvaluationReport report =
                    CaptionEvaluator.builder()
                            .build()
                            .evaluate(untrained, DecodingOptions.greedy(), test);

            // then BLEU-4 is near zero
            LOG.info("untrained model on 200 synthetic images: {}", report.metrics());
            assertThat(report.metrics().get("BLEU_4")).isLessThan(0.05);
        }
    }
}

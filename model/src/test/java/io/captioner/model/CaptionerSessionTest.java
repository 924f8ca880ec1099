package io.captioner.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.pytorch.jni.JniUtils;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CaptionerSessionTest {

    private static Captioner captioner;

    @BeforeAll
    static void createModel() {
        captioner = TestModels.randomCaptioner(TestModels.vocabulary(10), 16, 32, 1, 9);
    }

    @AfterAll
    static void closeModel() {
        captioner.close();
    }

    private static List<byte[]> resized(List<BufferedImage> images) {
        return images.stream().map(captioner.preprocessor()::resize).toList();
    }

    @Test
    void shouldCaptionResizedImagesAsTheCaptionerCaptionsTheImages() {
        List<BufferedImage> images = TestModels.noiseImages(Captioner.MAX_BATCH + 5, 3);
        DecodingOptions options = DecodingOptions.beam(3).withMaxLength(6).withAlternatives(1);

        List<CaptionResult> expected = captioner.caption(images, options);
        List<CaptionResult> actual;
        try (CaptionerSession session = captioner.newSession()) {
            actual = session.captionResized(resized(images), options);
        }

        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i).tokens()).isEqualTo(expected.get(i).tokens());
            assertThat(actual.get(i).logProbability())
                    .isCloseTo(expected.get(i).logProbability(), within(1e-4));
        }
    }

    @Test
    void shouldGiveEachThreadItsOwnSessionWithTheSameResults() throws Exception {
        List<byte[]> images = resized(TestModels.noiseImages(6, 8));
        DecodingOptions options = DecodingOptions.greedy().withMaxLength(5);
        List<CaptionResult> expected = captioner.caption(TestModels.noiseImages(6, 8), options);
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Future<List<CaptionResult>>> runs = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                runs.add(
                        threads.submit(
                                () -> {
                                    try (CaptionerSession session = captioner.newSession()) {
                                        session.captionResized(images, options);
                                        return session.captionResized(images, options);
                                    }
                                }));
            }
            for (Future<List<CaptionResult>> run : runs) {
                assertThat(run.get())
                        .extracting(CaptionResult::tokens)
                        .isEqualTo(expected.stream().map(CaptionResult::tokens).toList());
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void shouldLeaveTheThreadsAutogradModeAsItFoundIt() {
        boolean before = JniUtils.isGradMode();
        try (CaptionerSession session = captioner.newSession()) {
            session.captionResized(resized(TestModels.noiseImages(1, 1)), DecodingOptions.greedy());
        }
        assertThat(JniUtils.isGradMode()).isEqualTo(before);
    }

    @Test
    void shouldRejectImagesOfTheWrongSize() {
        try (CaptionerSession session = captioner.newSession()) {
            assertThatThrownBy(
                            () ->
                                    session.captionResized(
                                            List.of(new byte[7]), DecodingOptions.greedy()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(session.captionResized(List.of(), DecodingOptions.greedy())).isEmpty();
        }
    }
}

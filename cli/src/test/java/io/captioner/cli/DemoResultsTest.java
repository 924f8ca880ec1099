package io.captioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.cli.DemoResults.FailureResult;
import io.captioner.cli.DemoResults.ImageResult;
import io.captioner.cli.DemoResults.VersionResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoResultsTest {

    private static final byte[] PNG = {1, 2, 3};
    private static final List<String> REFS = List.of("a red circle above a blue square");

    private static ImageResult captioned(String id, String version) {
        return new ImageResult(id, PNG, REFS, "a red circle above a blue square", version, 40, "s");
    }

    private static ImageResult uncaptioned(String id) {
        return new ImageResult(id, PNG, REFS, null, null, -1, "s");
    }

    private static VersionResult version(String v) {
        return new VersionResult(v, "600 images", Map.of("CIDEr", 1.0), "PUBLISHED", 3.0);
    }

    @Test
    void shouldCountAnImageWithNeitherCaptionNorDeadLetterAsLost() {
        DemoResults r =
                new DemoResults(
                        List.of(captioned("a", "v1"), uncaptioned("b"), uncaptioned("c")),
                        List.of(new FailureResult("c", "MODEL_ERROR", "boom")),
                        List.of(version("v1")),
                        0,
                        0,
                        1);

        assertThat(r.expected()).isEqualTo(3);
        assertThat(r.captioned()).isEqualTo(1);
        assertThat(r.lost()).isEqualTo(1);
    }

    @Test
    void shouldScoreEachVersionOnTheCaptionsItWrote() {
        DemoResults r =
                new DemoResults(
                        List.of(
                                captioned("a", "v1"),
                                new ImageResult("b", PNG, REFS, "a green bird", "v1", 1, "s"),
                                captioned("c", "v2")),
                        List.of(),
                        List.of(version("v1"), version("v2")),
                        0,
                        0,
                        1);

        assertThat(r.captionedBy("v1")).isEqualTo(2);
        assertThat(r.captionedBy("v2")).isEqualTo(1);
        assertThat(r.servedScores("v2").bleu4()).isGreaterThan(0.99);
        assertThat(r.servedScores("v1").bleu4()).isLessThan(r.servedScores("v2").bleu4());
        assertThat(r.finalVersion()).isEqualTo("v2");
    }

    @Test
    void shouldWriteTheSummaryFieldsTheJsonLinePromises() {
        DemoResults r =
                new DemoResults(
                        List.of(captioned("a", "v1"), captioned("b", "v2")),
                        List.of(new FailureResult("broken", "DECODE_FAILED", "not an image")),
                        List.of(version("v1"), version("v2")),
                        1,
                        0,
                        12.3456);

        Map<String, Object> s = r.summary();

        assertThat(s)
                .containsKeys(
                        "versions",
                        "captioned",
                        "expected",
                        "lost",
                        "duplicated",
                        "dlq",
                        "BLEU_4",
                        "CIDEr",
                        "seconds");
        assertThat(s.get("captioned")).isEqualTo(2);
        assertThat(s.get("duplicated")).isEqualTo(1);
        assertThat(s.get("dlq")).isEqualTo(1);
        assertThat(s.get("seconds")).isEqualTo(12.346);
        assertThat(s.get("final_version")).isEqualTo("v2");
        assertThat((List<?>) s.get("versions")).hasSize(2);
    }

    @Test
    void shouldLeaveScoresNullWhenNothingWasCaptioned() {
        DemoResults r =
                new DemoResults(
                        List.of(uncaptioned("a")), List.of(), List.of(version("v1")), 0, 0, 1);

        assertThat(r.servedScores("v1")).isNull();
        assertThat(r.summary().get("BLEU_4")).isNull();
        assertThat(r.summary().get("final_version")).isNull();
    }
}

package io.captioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void shouldWritePlainLinesWithoutEscapeCodesWhenNotATerminal() {
        StringWriter err = new StringWriter();
        Progress progress = new Progress(new PrintWriter(err), "import", "pairs", 20, false);

        for (int i = 1; i <= 20; i++) {
            progress.update(i);
        }
        progress.note("import: skipped x.jpg: missing image file");
        progress.finish();

        assertThat(err.toString()).doesNotContain("\u001b").doesNotContain("\r");
        assertThat(err.toString())
                .contains("import [########################] 20/20 pairs (100%)")
                .contains("import: skipped x.jpg: missing image file");
    }

    @Test
    void shouldRedrawOneLineWithAnEtaOnATerminal() {
        StringWriter err = new StringWriter();
        Progress progress = new Progress(new PrintWriter(err), "import", "pairs", 4, true);

        progress.update(1);
        progress.note("a note");
        progress.finish();

        assertThat(err.toString())
                .startsWith("\rimport [######------------------] 1/4 pairs (25%)")
                .contains("ETA ")
                .contains("\r\u001b[Ka note\n");
    }

    @Test
    void shouldFormatDurations() {
        assertThat(Progress.duration(65)).isEqualTo("1m05s");
        assertThat(Progress.duration(7380)).isEqualTo("2h03m");
    }

    @Test
    void shouldPrintOneTrainingLinePerEpochWithoutEscapeCodesWhenNotATerminal() {
        StringWriter err = new StringWriter();
        TrainCommand.ProgressBar bar = new TrainCommand.ProgressBar(new PrintWriter(err), false);

        bar.onEpochStart(1, 2, 3);
        for (int batch = 1; batch <= 3; batch++) {
            bar.onBatch(1, batch, 3, 0.5);
        }
        bar.onEpochEnd(1, 0.5, 0.6);

        assertThat(err.toString())
                .doesNotContain("\u001b")
                .doesNotContain("\r")
                .startsWith("epoch 1/2 train 0.5000 validation 0.6000 ETA ");
    }
}

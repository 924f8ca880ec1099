package io.captioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.model.data.CaptionedImage;
import io.captioner.model.data.DatasetSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DatasetCommandTest {

    @TempDir Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = CaptionerCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void shouldExportSyntheticDatasetThatReadsBackAsFlickr8k() throws Exception {
        Path target = dir.resolve("synthetic");

        int code =
                run(
                        "dataset",
                        "synthetic",
                        "--images",
                        "6",
                        "--seed",
                        "4",
                        "--out",
                        target.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("exported 6 images, 30 captions (synthetic:4) to ")
                .contains(target.toAbsolutePath().toString());
        try (var files = Files.list(target.resolve("Images"))) {
            assertThat(files.count()).isEqualTo(6);
        }
        List<CaptionedImage> read = DatasetSpec.parse("flickr8k:" + target).load(100);
        List<CaptionedImage> generated = DatasetSpec.parse("synthetic:4").load(6);
        assertThat(read).hasSize(6);
        for (int i = 0; i < read.size(); i++) {
            assertThat(read.get(i).id()).isEqualTo(generated.get(i).id() + ".jpg");
            assertThat(read.get(i).captions()).isEqualTo(generated.get(i).captions());
        }
    }

    @Test
    void shouldFailWithAClearMessageOnBadArguments() {
        int code = run("dataset", "synthetic", "--images", "0", "--out", dir.toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("dataset synthetic: setImages").contains(">= 1");
        assertThat(run("dataset", "synthetic", "--images", "3")).isNotZero();
        assertThat(err.toString()).contains("--out");
    }
}

package io.captioner.cli;

import io.captioner.model.data.DatasetException;
import io.captioner.model.data.ExportSummary;
import io.captioner.model.data.Flickr8kLayout;
import io.captioner.model.data.SyntheticDataset;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Creates datasets on disk in the Flickr8k layout, so every tool reads one format. */
@Command(
        name = "dataset",
        mixinStandardHelpOptions = true,
        description = "Create datasets in the Flickr8k layout (Images/ + captions.txt).",
        subcommands = {DatasetCommand.Synthetic.class})
public final class DatasetCommand implements Runnable {

    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** Exports the seeded synthetic shapes dataset, the project's offline stand-in for Flickr8k. */
    @Command(
            name = "synthetic",
            mixinStandardHelpOptions = true,
            description =
                    "Generate the seeded synthetic shapes dataset and export it in the Flickr8k"
                            + " layout; read it back with --dataset flickr8k:DIR.")
    public static final class Synthetic implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Option(
                names = "--images",
                paramLabel = "N",
                defaultValue = "2000",
                description = "Number of images (default: ${DEFAULT-VALUE}).")
        int images;

        @Option(
                names = "--seed",
                paramLabel = "S",
                defaultValue = "1",
                description =
                        "Generator seed; the same seed gives the same files (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(
                names = "--image-size",
                paramLabel = "PX",
                defaultValue = "" + SyntheticDataset.DEFAULT_IMAGE_SIZE,
                description = "Edge of the square images in pixels (default: ${DEFAULT-VALUE}).")
        int imageSize;

        @Option(
                names = "--out",
                paramLabel = "DIR",
                required = true,
                description = "Output directory; created if missing, captions.txt is replaced.")
        Path out;

        @Override
        public Integer call() {
            try {
                SyntheticDataset dataset =
                        SyntheticDataset.builder()
                                .setSeed(seed)
                                .setImages(images)
                                .optImageSize(imageSize)
                                .build();
                ExportSummary summary =
                        Flickr8kLayout.export(() -> dataset.stream().iterator(), out);
                spec.commandLine()
                        .getOut()
                        .printf(
                                "exported %d images, %d captions (synthetic:%d) to %s%n",
                                summary.images(),
                                summary.captions(),
                                seed,
                                summary.directory().toAbsolutePath());
                return 0;
            } catch (DatasetException | IllegalArgumentException e) {
                spec.commandLine().getErr().println("dataset synthetic: " + e.getMessage());
                return 1;
            }
        }
    }
}

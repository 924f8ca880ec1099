package io.captioner.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.captioner.model.Captioner;
import io.captioner.model.DecodingOptions;
import io.captioner.model.data.CaptionedImage;
import io.captioner.model.data.DatasetException;
import io.captioner.model.data.DatasetSpec;
import io.captioner.model.data.DatasetSplit;
import io.captioner.model.eval.CaptionEvaluator;
import io.captioner.model.eval.EvaluationReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Scores a trained model on a dataset with BLEU-1..4, ROUGE-L and CIDEr, the numbers the project
 * reports and gates training on.
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description =
                "Caption a dataset with a model and print BLEU-1..4, ROUGE-L and CIDEr (COCO"
                        + " caption toolkit definitions).")
public final class EvaluateCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--model",
            paramLabel = "FILE",
            required = true,
            description = "Model artifact to evaluate.")
    Path model;

    @Option(
            names = "--dataset",
            paramLabel = "SPEC",
            required = true,
            description = DatasetSpec.FORMS + " (model/DATASETS.md).")
    String dataset;

    @Option(
            names = "--split",
            paramLabel = "SPLIT",
            description =
                    "train, validation, test or all; default: test for a dataset with splits"
                            + " (Karpathy's), else all images.")
    String split;

    @Option(names = "--device", paramLabel = "DEVICE", description = DeviceOption.DESCRIPTION)
    String device;

    @Option(
            names = "--images",
            paramLabel = "N",
            defaultValue = "200",
            description =
                    "Images to evaluate, the first N in dataset order (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(
            names = "--beam",
            paramLabel = "K",
            defaultValue = "1",
            description =
                    "Beam width; 1 is greedy decoding as in the seed (default: ${DEFAULT-VALUE}).")
    int beam;

    @Option(
            names = "--length-alpha",
            paramLabel = "ALPHA",
            description =
                    "Beam ranking divides the log-probability by length^ALPHA; 0 ranks by"
                            + " likelihood alone (default: the model's decoding default).")
    Double lengthAlpha;

    @Option(
            names = "--batch-size",
            paramLabel = "B",
            defaultValue = "" + CaptionEvaluator.DEFAULT_BATCH_SIZE,
            description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--examples",
            paramLabel = "E",
            defaultValue = "5",
            description =
                    "Generated-vs-reference examples written to stderr (default: ${DEFAULT-VALUE}).")
    int examples;

    @Option(
            names = "--json",
            description =
                    "Print the result as one JSON object on the last stdout line instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (beam < 1) {
            err.println("evaluate: --beam must be >= 1, was " + beam);
            return 2;
        }
        Device target = DeviceOption.parse(device);
        if (!Files.isRegularFile(model)) {
            err.println("evaluate: model file not found: " + model);
            return 2;
        }
        List<CaptionedImage> data;
        CaptionEvaluator evaluator;
        DecodingOptions decoding =
                beam == 1 ? DecodingOptions.greedy() : DecodingOptions.beam(beam);
        if (lengthAlpha != null) {
            decoding = decoding.withAlpha(lengthAlpha);
        }
        try {
            DatasetSpec datasetSpec = DatasetSpec.parse(dataset);
            Optional<DatasetSplit> chosen;
            if (split == null) {
                chosen =
                        datasetSpec.hasSplits() ? Optional.of(DatasetSplit.TEST) : Optional.empty();
            } else {
                chosen =
                        split.equalsIgnoreCase("all")
                                ? Optional.empty()
                                : Optional.of(DatasetSplit.parse(split));
            }
            chosen.ifPresent(
                    s -> err.println("evaluate: the " + s.label() + " split of " + dataset));
            data = datasetSpec.load(images, chosen);
            evaluator =
                    CaptionEvaluator.builder()
                            .optBatchSize(batchSize)
                            .optExamples(examples)
                            .optProgressListener(
                                    (done, total) ->
                                            err.printf("\rcaptioned %d/%d", done, total).flush())
                            .build();
        } catch (IllegalArgumentException | DatasetException e) {
            err.println("evaluate: " + e.getMessage());
            return 2;
        }
        EvaluationReport report;
        try (Captioner captioner = Captioner.load(model, target)) {
            report = evaluator.evaluate(captioner, decoding, data);
        } catch (IOException e) {
            err.println();
            err.println("evaluate: cannot load model " + model + ": " + e.getMessage());
            return 1;
        }
        err.println();
        for (EvaluationReport.Example example : report.examples()) {
            err.println("example " + example.id());
            err.println("  generated: " + example.hypothesis());
            for (String ref : example.references()) {
                err.println("  reference: " + ref);
            }
        }
        if (json) {
            Map<String, Object> line = new LinkedHashMap<>(report.asMap());
            line.put("beam", beam);
            line.put("dataset", dataset);
            line.put("model", model.toString());
            out.println(new ObjectMapper().writeValueAsString(line));
        } else {
            out.printf(Locale.ROOT, "model     %s%n", model);
            out.printf(Locale.ROOT, "dataset   %s (%d images)%n", dataset, report.images());
            out.printf(Locale.ROOT, "decoding  %s%n", beam == 1 ? "greedy" : "beam " + beam);
            for (Map.Entry<String, Double> metric : report.metrics().entrySet()) {
                out.printf(Locale.ROOT, "%-9s %.4f%n", metric.getKey(), metric.getValue());
            }
            out.printf(
                    Locale.ROOT,
                    "time      %.1f s (%.1f images/s)%n",
                    report.seconds(),
                    report.images() / Math.max(1e-9, report.seconds()));
        }
        out.flush();
        return 0;
    }
}

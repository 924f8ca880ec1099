package io.captioner.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.captioner.model.metrics.CaptionMetrics;
import io.captioner.model.metrics.MetricScores;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code captioner score}: scores hypothesis captions against references with the COCO caption
 * toolkit's BLEU-1..4, ROUGE-L and CIDEr-D, so results are comparable with published numbers.
 */
@Command(
        name = "score",
        mixinStandardHelpOptions = true,
        description = {
            "Scores captions like pycocoevalcap: BLEU_1..4, ROUGE_L, CIDEr (CIDEr-D); no METEOR.",
            "Prints one JSON object on stdout. Images without a hypothesis are not evaluated."
        })
public final class ScoreCommand implements Callable<Integer> {

    // A repeated image id would otherwise silently keep only its last value.
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--refs",
            required = true,
            paramLabel = "REFS.json",
            description = "JSON object: image id -> list of reference captions.")
    Path refsFile;

    @Option(
            names = "--hyps",
            required = true,
            paramLabel = "HYPS.json",
            description = "JSON object: image id -> one hypothesis caption.")
    Path hypsFile;

    @Option(
            names = "--whitespace-tokens",
            description =
                    "Split captions on whitespace instead of the toolkit's PTB tokenization "
                            + "(for already tokenized, lower-cased text).")
    boolean whitespaceTokens;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Map<String, List<String>> refs;
        Map<String, String> hyps;
        MetricScores scores;
        try {
            refs = readRefs(refsFile);
            hyps = readHyps(hypsFile);
            scores =
                    whitespaceTokens
                            ? CaptionMetrics.scoreWhitespaceTokenized(refs, hyps)
                            : CaptionMetrics.score(refs, hyps);
        } catch (BadInputException | IllegalArgumentException e) {
            err.println("score: " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        long unevaluated = refs.keySet().stream().filter(id -> !hyps.containsKey(id)).count();
        if (unevaluated > 0) {
            err.printf(
                    "score: %d of %d reference images have no hypothesis and were not evaluated%n",
                    unevaluated, refs.size());
            err.flush();
        }
        PrintWriter out = spec.commandLine().getOut();
        try {
            out.println(JSON.writeValueAsString(scores.asMap()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write scores as JSON", e);
        }
        out.flush();
        return CommandLine.ExitCode.OK;
    }

    private static Map<String, List<String>> readRefs(Path file) throws BadInputException {
        JsonNode root = readObject(file);
        Map<String, List<String>> refs = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode value = e.getValue();
            if (!value.isArray()) {
                throw new BadInputException(
                        file
                                + ": references of image "
                                + e.getKey()
                                + " must be a list of strings");
            }
            List<String> captions = new ArrayList<>();
            for (JsonNode caption : value) {
                if (!caption.isTextual()) {
                    throw new BadInputException(
                            file
                                    + ": reference of image "
                                    + e.getKey()
                                    + " is not a string: "
                                    + caption);
                }
                captions.add(caption.asText());
            }
            refs.put(e.getKey(), captions);
        }
        return refs;
    }

    private static Map<String, String> readHyps(Path file) throws BadInputException {
        JsonNode root = readObject(file);
        Map<String, String> hyps = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new BadInputException(
                        file
                                + ": hypothesis of image "
                                + e.getKey()
                                + " must be exactly one string, got "
                                + e.getValue());
            }
            hyps.put(e.getKey(), e.getValue().asText());
        }
        return hyps;
    }

    private static JsonNode readObject(Path file) throws BadInputException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": no such file");
        } catch (JsonProcessingException e) {
            throw new BadInputException(file + ": not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadInputException(file + ": expected a JSON object keyed by image id");
        }
        return root;
    }

    /** Input files that are missing or not in the expected shape. */
    private static final class BadInputException extends Exception {
        private static final long serialVersionUID = 1L;

        BadInputException(String message) {
            super(message);
        }
    }
}

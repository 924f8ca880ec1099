package io.captioner.cli;

import ai.djl.Device;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.captioner.model.AttentionMap;
import io.captioner.model.CaptionResult;
import io.captioner.model.Captioner;
import io.captioner.model.DecodingOptions;
import io.captioner.model.image.ImageDecoder;
import io.captioner.model.image.ImageDecodingException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Captions image files with a trained model, without Kafka: the quickest way to try a model. */
@Command(
        name = "caption",
        mixinStandardHelpOptions = true,
        description = "Caption image files with a model; prints one line per image.")
public final class CaptionCommand implements Callable<Integer> {

    /** Images per forward pass. */
    private static final int BATCH = 16;

    private static final ImageDecoder DECODER = ImageDecoder.builder().build();

    @Spec CommandSpec spec;

    @Option(
            names = "--model",
            paramLabel = "FILE",
            required = true,
            description = "Model artifact.")
    Path model;

    @Option(
            names = "--beam",
            paramLabel = "K",
            defaultValue = "1",
            description = "Beam width; 1 is greedy decoding (default: ${DEFAULT-VALUE}).")
    int beam;

    @Option(
            names = "--json",
            description = "Print one JSON object per image instead of 'path<TAB>caption'.")
    boolean json;

    @Option(
            names = "--attention",
            description =
                    "With an attention-decoder model: add to each JSON line, per word, the"
                            + " attention weights over the encoder grid (implies --json).")
    boolean attention;

    @Option(names = "--device", paramLabel = "DEVICE", description = DeviceOption.DESCRIPTION)
    String device;

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Image files (JPEG, PNG, ...).")
    List<Path> images;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (beam < 1) {
            err.println("caption: --beam must be >= 1, was " + beam);
            return 2;
        }
        Device target = DeviceOption.parse(device);
        if (!Files.isRegularFile(model)) {
            err.println("caption: model file not found: " + model);
            return 2;
        }
        DecodingOptions options = beam == 1 ? DecodingOptions.greedy() : DecodingOptions.beam(beam);
        ObjectMapper mapper = new ObjectMapper();
        int failures = 0;
        try (Captioner captioner = Captioner.load(model, target)) {
            if (attention && !captioner.architecture().attention()) {
                err.println(
                        "caption: --attention needs a model with the attention decoder; "
                                + model
                                + " uses the "
                                + captioner.architecture().decoder()
                                + " decoder");
                return 2;
            }
            List<Path> batchPaths = new ArrayList<>();
            List<BufferedImage> batch = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                Path path = images.get(i);
                BufferedImage image = decode(path, err);
                if (image == null) {
                    failures++;
                } else {
                    batchPaths.add(path);
                    batch.add(image);
                }
                if (batch.size() == BATCH || (i == images.size() - 1 && !batch.isEmpty())) {
                    List<CaptionResult> results = captioner.caption(batch, options);
                    List<AttentionMap> maps =
                            attention ? captioner.attention(batch, results) : null;
                    for (int j = 0; j < results.size(); j++) {
                        print(
                                out,
                                mapper,
                                batchPaths.get(j),
                                results.get(j),
                                maps == null ? null : maps.get(j));
                    }
                    batch.clear();
                    batchPaths.clear();
                }
            }
        } catch (IOException e) {
            err.println("caption: cannot load model " + model + ": " + e.getMessage());
            return 1;
        }
        out.flush();
        return failures == 0 ? 0 : 1;
    }

    private void print(
            PrintWriter out,
            ObjectMapper mapper,
            Path path,
            CaptionResult result,
            AttentionMap attentionMap)
            throws JsonProcessingException {
        if (!json && attentionMap == null) {
            out.println(path + "\t" + result.text());
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("image", path.toString());
        line.put("caption", result.text());
        line.put("tokens", result.tokens());
        line.put("logProbability", result.logProbability());
        List<Map<String, Object>> alternatives = new ArrayList<>();
        for (CaptionResult alt : result.alternatives()) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("caption", alt.text());
            a.put("logProbability", alt.logProbability());
            alternatives.add(a);
        }
        line.put("alternatives", alternatives);
        if (attentionMap != null) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("rows", attentionMap.rows());
            map.put("columns", attentionMap.columns());
            List<Map<String, Object>> words = new ArrayList<>();
            for (int w = 0; w < attentionMap.words().size(); w++) {
                Map<String, Object> word = new LinkedHashMap<>();
                word.put("word", attentionMap.words().get(w));
                word.put("weights", attentionMap.grid(w));
                words.add(word);
            }
            map.put("words", words);
            line.put("attention", map);
        }
        out.println(mapper.writeValueAsString(line));
    }

    /** Decodes an image or reports why not; a bad file must not stop the other images. */
    private static BufferedImage decode(Path path, PrintWriter err) {
        try {
            return DECODER.decode(path).image();
        } catch (ImageDecodingException e) {
            err.println("caption: " + path + ": " + e.getMessage() + " (" + e.reason() + ")");
            return null;
        } catch (IOException e) {
            err.println("caption: " + path + ": cannot read: " + e.getMessage());
            return null;
        }
    }
}

package io.captioner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.captioner.events.LabeledPair;
import io.captioner.model.data.DatasetEntry;
import io.captioner.model.data.DatasetListing;
import io.captioner.model.data.DatasetSpec;
import io.captioner.schemas.Topic;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.ProducerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code captioner import}: publishes a caption dataset as labeled pairs, so the training service
 * learns from real data.
 */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = {
            "Publish a caption dataset to topic 'labeled-pairs', one LabeledPair per image (key ="
                    + " image id = file name), with a progress bar on stderr.",
            "Formats: flickr8k DIR (Images/ + captions.txt, or the original Flickr8k.token.txt),"
                    + " flickr30k DIR (results.csv or results_20130124.token + flickr30k_images/),"
                    + " coco ANNOTATIONS.json [IMAGEDIR] (captions_*.json; default IMAGEDIR is"
                    + " COCO's own layout), karpathy DATASET.json IMAGEDIR (dataset_*.json, its"
                    + " splits become the pairs' split hints).",
            "Skipped images are listed on stderr with the reason; the summary counts them by"
                    + " reason. Exit code 0 when pairs were published and no send failed, 1"
                    + " otherwise, 2 for bad arguments or an unreadable dataset."
        })
public final class ImportCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin KafkaOptions kafka;

    @Parameters(
            index = "0",
            paramLabel = "FORMAT",
            description = "flickr8k, flickr30k, coco or karpathy.")
    String format;

    @Parameters(
            index = "1..*",
            arity = "1..2",
            paramLabel = "PATH",
            description = "The dataset's directory or files, as listed above.")
    List<String> paths;

    @Option(
            names = "--by-uri",
            description =
                    "Publish absolute file: URIs instead of the bytes (no size limit; whoever"
                            + " trains must be able to read the files).")
    boolean byUri;

    @Option(
            names = "--max-images",
            paramLabel = "N",
            description = "Publish at most the first N images (in file-name order).")
    Integer maxImages;

    @Option(
            names = "--max-caption-chars",
            paramLabel = "N",
            defaultValue = "" + PairBuilder.DEFAULT_MAX_CAPTION_CHARS,
            description = "Longer captions are left out (default: ${DEFAULT-VALUE}).")
    int maxCaptionChars;

    @Option(
            names = "--source-dataset",
            paramLabel = "NAME",
            description = "The pairs' sourceDataset (default: the dataset's name, e.g. flickr8k).")
    String sourceDataset;

    @Option(
            names = "--topic-prefix",
            paramLabel = "PREFIX",
            defaultValue = "",
            description = "Prefix of the topic names, for a shared cluster (default: none).")
    String topicPrefix;

    @Option(names = "--json", description = "Print the summary as one JSON object on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (maxImages != null && maxImages < 1) {
            throw new UserException("--max-images must be at least 1, got " + maxImages);
        }
        if (maxCaptionChars < 1) {
            throw new UserException("--max-caption-chars must be at least 1");
        }
        DatasetSpec dataset;
        try {
            dataset = DatasetSpec.of(format, paths);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        if (!(dataset instanceof DatasetSpec.Listed listed)) {
            throw new UserException(
                    "import reads datasets of files; write the synthetic one with 'captioner"
                            + " dataset synthetic --out DIR' and import flickr8k DIR");
        }
        DatasetListing listing = listed.list();
        List<DatasetEntry> entries = listing.entries();
        if (maxImages != null && entries.size() > maxImages) {
            entries = entries.subList(0, maxImages);
        }
        for (DatasetListing.Problem problem : listing.problems()) {
            err.println("import: skipped " + problem);
        }
        Topic<String, LabeledPair> topic = kafka.settings().topics(topicPrefix).labeledPairs();
        TopicCreation.ensure(kafka.settings(), topic);
        Progress progress =
                new Progress(err, "import", "pairs", entries.size(), Progress.stderrIsTerminal());
        PairImporter importer =
                PairImporter.builder()
                        .setTopic(topic)
                        .setProducerConfig(producerConfig())
                        .setPairBuilder(
                                new PairBuilder(
                                        byUri,
                                        maxCaptionChars,
                                        sourceDataset != null ? sourceDataset : listing.name()))
                        .optListener(
                                new PairImporter.Listener() {
                                    @Override
                                    public void onProgress(long done, long total) {
                                        progress.update(done);
                                    }

                                    @Override
                                    public void onSkip(String id, PairSkip reason, String detail) {
                                        progress.note(
                                                "import: skipped "
                                                        + id
                                                        + ": "
                                                        + reason.description()
                                                        + (detail == null
                                                                ? ""
                                                                : " (" + detail + ")"));
                                    }
                                })
                        .build();
        PairImporter.Report report = importer.publish(entries);
        progress.finish();
        Map<PairSkip, Long> skipped = new HashMap<>(report.skipped());
        if (!listing.problems().isEmpty()) {
            skipped.merge(PairSkip.UNREADABLE_LISTING, (long) listing.problems().size(), Long::sum);
        }
        long skippedTotal = skipped.values().stream().mapToLong(Long::longValue).sum();
        if (json) {
            out.println(json(report, skipped, topic.name(), listing.name()));
        } else {
            out.printf(
                    Locale.ROOT,
                    "published %d pair%s to %s, skipped %d%s%n",
                    report.published(),
                    report.published() == 1 ? "" : "s",
                    topic.name(),
                    skippedTotal,
                    describe(skipped));
            if (report.captionsDropped() > 0) {
                out.printf(
                        Locale.ROOT,
                        "left out %d empty or over-long caption%s of published pairs%n",
                        report.captionsDropped(),
                        report.captionsDropped() == 1 ? "" : "s");
            }
        }
        out.flush();
        if (report.failure() != null) {
            err.println(
                    "import: stopped: "
                            + report.failure()
                            + " (bootstrap "
                            + kafka.bootstrap()
                            + "); "
                            + (entries.size() - report.published() - report.skippedTotal())
                            + " images not published");
        }
        if (report.published() == 0) {
            err.println("import: nothing was published");
        }
        err.flush();
        return report.published() > 0 && report.failure() == null ? 0 : 1;
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>();
        kafka.settings()
                .client(
                        Map.of(
                                ProducerConfig.CLIENT_ID_CONFIG,
                                "captioner-cli-import",
                                ProducerConfig.ACKS_CONFIG,
                                "all",
                                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                                true,
                                ProducerConfig.LINGER_MS_CONFIG,
                                20,
                                ProducerConfig.BATCH_SIZE_CONFIG,
                                ClientSettings.IMAGE_BATCH_BYTES,
                                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                                30_000,
                                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                                120_000),
                        Map.of())
                .forEach((k, v) -> config.put(k.toString(), v));
        return config;
    }

    private static String describe(Map<PairSkip, Long> skipped) {
        if (skipped.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder(":");
        String sep = " ";
        for (PairSkip reason : PairSkip.values()) {
            Long n = skipped.get(reason);
            if (n != null) {
                b.append(sep).append(n).append(' ').append(reason.description());
                sep = ", ";
            }
        }
        return b.toString();
    }

    private static String json(
            PairImporter.Report report, Map<PairSkip, Long> skipped, String topic, String dataset)
            throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode node = mapper.createObjectNode();
        node.put("topic", topic);
        node.put("dataset", dataset);
        node.put("listed", report.listed());
        node.put("published", report.published());
        ObjectNode byReason = node.putObject("skipped");
        for (PairSkip reason : PairSkip.values()) {
            byReason.put(reason.name().toLowerCase(Locale.ROOT), skipped.getOrDefault(reason, 0L));
        }
        node.put("captions_dropped", report.captionsDropped());
        node.put("failure", report.failure());
        return mapper.writeValueAsString(node);
    }
}

package io.captioner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.captioner.cli.bench.BenchChart;
import io.captioner.cli.bench.BenchException;
import io.captioner.cli.bench.BenchReport;
import io.captioner.cli.bench.BenchResults;
import io.captioner.cli.bench.BenchRun;
import io.captioner.cli.bench.BenchSettings;
import io.captioner.model.artifact.ModelArtifact;
import io.captioner.model.data.SyntheticDataset;
import io.captioner.model.nn.EncoderType;
import io.captioner.streams.config.StreamsAppConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code captioner bench}: the pipeline's numbers side by side from one run on one set of images,
 * the model in process (raw and seed-style) against the streams app through an embedded Kafka (end
 * to end and steady state).
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Measures the model in process and the streams app through Kafka on the same images, in"
                    + " one run on a temporary embedded stack:",
            "  raw          batched decode + preprocess + encode + caption in process, at"
                    + " --batch-size and at each --sweep size (the chart), no Kafka;",
            "  seed-style   one image at a time, greedy, in process (what the seed does);",
            "  end to end   --images images published to 'images' at once, timed until every"
                    + " caption is read from 'captions' (read_committed); p50/p99 latency from each"
                    + " send, the app's average batch size from its /metrics;",
            "  steady state an open-loop load (sends on a fixed schedule, latency from the"
                    + " scheduled time) at --rate images/s (default half the end-to-end capacity)"
                    + " for --duration seconds;",
            "  ratios       e2e_over_raw and e2e_over_seed_style.",
            "Also samples resident memory (start, after the warm-up, end) and compares the raw"
                    + " throughput with the host's FP32 peak (cores x clock x FLOP/cycle from"
                    + " /proc/cpuinfo).",
            "Without --model it times a model it prepares itself (once, kept under --data-dir):"
                    + " the seed's sizes trained for 20 epochs on 72 synthetic images, because an"
                    + " untrained decoder rarely emits its end token and would decode to the"
                    + " maximum caption length every time (about 3x the steps of a real caption);"
                    + " ResNet encoders keep random frozen weights, which cost the same arithmetic"
                    + " as pretrained ones.",
            "Progress goes to stderr; writes bench.json and bench.png to --out. Run it on a quiet"
                    + " machine: everything shares the same cores."
        })
public final class BenchCommand implements Callable<Integer> {

    /**
     * The batch size by default: the app's default on a CPU. Always set explicitly, so the raw
     * stage and the app batch alike even where the app would pick another size (a GPU).
     */
    static final int DEFAULT_BATCH_SIZE = 16;

    /**
     * Images of the end-to-end stage by default with tiny-cnn: a backlog of 20-25 s on 2 cores, in
     * which its start and end (the first batches, the last commit) weigh little; 3,000 made a 9 s
     * window whose figure moved by a third from run to run.
     */
    static final int DEFAULT_IMAGES_TINY = 10_000;

    /**
     * Images by default with a ResNet encoder (15-30 a second on 2 CPU cores): with 64, a batch-16
     * point of the chart was two batches per thread, mostly the first pass at a new shape.
     */
    static final int DEFAULT_IMAGES_RESNET = 256;

    /** Keys the bench sets itself; the options that set them are named in the refusal. */
    private static final Map<String, String> RESERVED =
            Map.of(
                    StreamsAppConfig.BOOTSTRAP_SERVERS, "the bench starts its own stack",
                    StreamsAppConfig.SCHEMA_REGISTRY_URL, "the bench starts its own stack",
                    StreamsAppConfig.APPLICATION_ID, "the bench names its own app",
                    StreamsAppConfig.STATE_DIR, "the bench keeps its state under --data-dir",
                    StreamsAppConfig.DATA_DIR, "the bench keeps its state under --data-dir",
                    StreamsAppConfig.INSTANCE_NAME, "the bench names its instances",
                    StreamsAppConfig.MODEL_PATH, "use --model",
                    StreamsAppConfig.MODEL_WORK_DIR, "the bench keeps its state under --data-dir",
                    StreamsAppConfig.BATCH_MAX_SIZE, "use --batch-size",
                    StreamsAppConfig.HTTP_PORT, "the bench picks a free port");

    private static final Set<String> ENCODERS = Set.of("tiny-cnn", "resnet18", "resnet50");

    @Spec CommandSpec spec;

    @Option(
            names = "--encoder",
            paramLabel = "ENCODER",
            description =
                    "Encoder of the model the bench prepares: tiny-cnn (default), resnet18,"
                            + " resnet50 (random frozen weights). Not with --model.")
    String encoder;

    @Option(
            names = "--model",
            paramLabel = "FILE",
            description = "Time this model artifact instead of the prepared one.")
    Path model;

    @Option(
            names = "--retrain",
            description = "Prepare the bench's model again even when one is kept.")
    boolean retrain;

    @Option(
            names = "--images",
            paramLabel = "N",
            description =
                    "Images published in the end-to-end stage, and the most each in-process pass"
                            + " captions (default "
                            + DEFAULT_IMAGES_TINY
                            + " with tiny-cnn, "
                            + DEFAULT_IMAGES_RESNET
                            + " with a ResNet). --images 20000 is the long run for memory.")
    Integer images;

    @Option(
            names = "--image-size",
            paramLabel = "PX",
            defaultValue = "" + SyntheticDataset.DEFAULT_IMAGE_SIZE,
            description = "Edge of the synthetic square images (default: ${DEFAULT-VALUE}).")
    int imageSize;

    @Option(
            names = "--batch-size",
            paramLabel = "B",
            description =
                    "The app's batch size (captioner.batch.max.size) and the raw stage's"
                            + " (default: "
                            + DEFAULT_BATCH_SIZE
                            + ", the app's default on a CPU).")
    Integer batchSize;

    @Option(
            names = "--sweep",
            paramLabel = "B,...",
            split = ",",
            defaultValue = "1,2,4,8,16,32",
            description =
                    "Batch sizes of the in-process chart; sizes above --images are skipped"
                            + " (default: ${DEFAULT-VALUE}).")
    List<Integer> sweep;

    @Option(
            names = "--threads",
            paramLabel = "T",
            description =
                    "PyTorch intra-op threads for the whole run, in process and in the app"
                            + " (default: PyTorch's, one per core).")
    Integer threads;

    @Option(
            names = "--stage-seconds",
            paramLabel = "S",
            defaultValue = "15",
            description =
                    "Time cap of each in-process measurement; it stops after the batch that"
                            + " crosses it (default: ${DEFAULT-VALUE}).")
    double stageSeconds;

    @Option(
            names = "--warm-up",
            paramLabel = "S",
            defaultValue = "20",
            description =
                    "Seconds of backlogs at least run through the app before its figures are"
                            + " taken, so the JIT has compiled the broker's, the clients' and the"
                            + " app's hot code (at least two batches; default: ${DEFAULT-VALUE});"
                            + " the in-process stages start after untimed passes at batch 1 and"
                            + " at --batch-size, together at most 10 s of it.")
    double warmUpSeconds;

    @Option(
            names = "--warm-up-max",
            paramLabel = "S",
            defaultValue = "150",
            description =
                    "After --warm-up, backlogs go on until the JIT compiles with under "
                            + BenchRun.JIT_QUIET_CORES
                            + " of a core over "
                            + BenchRun.JIT_WINDOW_SECONDS
                            + " s (backlogs of --images each, the load the end-to-end stage"
                            + " times), for at most this many seconds in all, finishing the"
                            + " backlog under way (default: ${DEFAULT-VALUE}; on 2 cores the JIT"
                            + " of one JVM holding broker, clients and app took 110-160 s to go"
                            + " quiet).")
    double warmUpMaxSeconds;

    @Option(
            names = "--instances",
            paramLabel = "N",
            defaultValue = "1",
            description =
                    "Streams-app instances in the bench's JVM, one consumer group sharing the"
                            + " partitions, each with its own state and pipeline (default:"
                            + " ${DEFAULT-VALUE}).")
    int instances;

    @Option(
            names = "--duration",
            paramLabel = "S",
            defaultValue = "60",
            description = "Seconds of the steady-state load (default: ${DEFAULT-VALUE}).")
    double durationSeconds;

    @Option(
            names = "--rate",
            paramLabel = "R",
            description =
                    "Images/s of the steady-state load (default: half the measured end-to-end"
                            + " throughput).")
    Double rate;

    @Option(
            names = "--app-config",
            paramLabel = "KEY=VALUE",
            description =
                    "A streams-app setting for the run (repeatable), e.g. num.stream.threads=2 or"
                            + " captioner.decoding.beam.size=3; the raw stage decodes as the app"
                            + " does.")
    Map<String, String> appConfig = new LinkedHashMap<>();

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            defaultValue = ".captioner/bench",
            description =
                    "Where the prepared models are kept and the run's temporary stack lives"
                            + " (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description =
                    "Where bench.json and bench.png are written (default: DATA-DIR/runs/<UTC"
                            + " time>).")
    Path out;

    @Option(
            names = "--json",
            description = "Print the report as one JSON object on the last stdout line.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BenchSettings settings;
        try {
            settings = settings();
        } catch (IllegalArgumentException e) {
            err.println("bench: " + e.getMessage());
            return 2;
        }
        try {
            BenchResults results = new BenchRun(settings, line -> progress(err, line)).run();
            Instant finished = Instant.now();
            Files.createDirectories(settings.outDir());
            Path jsonFile = settings.outDir().resolve("bench.json");
            Path chartFile = settings.outDir().resolve("bench.png");
            ObjectMapper mapper = new ObjectMapper();
            Files.writeString(
                    jsonFile,
                    mapper.writerWithDefaultPrettyPrinter()
                                    .writeValueAsString(BenchReport.of(results, finished, true))
                            + "\n");
            BenchChart.write(
                    chartFile,
                    String.format(
                            Locale.ROOT,
                            "captioner bench: %s, %d cores, PyTorch threads %d",
                            results.encoder(),
                            results.hostCores(),
                            results.threads()),
                    results.sweep(),
                    settings.batchSize(),
                    results.e2e().imagesPerSecond());
            progress(err, "wrote " + jsonFile + " and " + chartFile);
            Map<String, Object> report = BenchReport.of(results, finished, false);
            if (json) {
                stdout.println(mapper.writeValueAsString(report));
            } else {
                BenchReport.summary(report).forEach(stdout::println);
            }
            stdout.flush();
            return 0;
        } catch (BenchException e) {
            err.println("bench: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("bench: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("bench: interrupted");
            return 130;
        }
    }

    /** Validates the options into settings; a mistake is an IllegalArgumentException. */
    BenchSettings settings() {
        EncoderType encoderType;
        if (model != null) {
            if (encoder != null) {
                throw new IllegalArgumentException(
                        "--encoder and --model exclude each other: the model's own encoder is"
                                + " timed");
            }
            if (!Files.isRegularFile(model)) {
                throw new IllegalArgumentException("model file not found: " + model);
            }
            try {
                encoderType = ModelArtifact.readManifest(model).architecture().encoderType();
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(
                        "not a model artifact: " + model + ": " + e.getMessage());
            }
        } else {
            String id =
                    encoder == null ? EncoderType.TINY_CNN.id() : encoder.toLowerCase(Locale.ROOT);
            if (!ENCODERS.contains(id)) {
                throw new IllegalArgumentException(
                        "--encoder must be one of tiny-cnn, resnet18, resnet50, was " + encoder);
            }
            encoderType = EncoderType.fromId(id);
        }
        int n =
                images != null
                        ? images
                        : encoderType == EncoderType.TINY_CNN
                                ? DEFAULT_IMAGES_TINY
                                : DEFAULT_IMAGES_RESNET;
        require(n >= 1, "--images must be >= 1, was " + n);
        require(
                imageSize >= SyntheticDataset.MIN_IMAGE_SIZE && imageSize <= 4096,
                "--image-size must be between "
                        + SyntheticDataset.MIN_IMAGE_SIZE
                        + " and 4096, was "
                        + imageSize);
        int batch = batchSize != null ? batchSize : DEFAULT_BATCH_SIZE;
        require(
                batch >= 1 && batch <= 4096,
                "--batch-size must be between 1 and 4096, was " + batch);
        for (int size : sweep) {
            require(
                    size >= 1 && size <= 4096,
                    "--sweep sizes must be between 1 and 4096, was " + size);
        }
        require(threads == null || threads >= 1, "--threads must be >= 1, was " + threads);
        require(stageSeconds > 0, "--stage-seconds must be > 0, was " + stageSeconds);
        require(warmUpSeconds >= 0, "--warm-up must be >= 0, was " + warmUpSeconds);
        require(
                warmUpMaxSeconds >= warmUpSeconds,
                "--warm-up-max must be at least --warm-up ("
                        + warmUpSeconds
                        + "), was "
                        + warmUpMaxSeconds);
        require(
                instances >= 1 && instances <= 16,
                "--instances must be between 1 and 16, was " + instances);
        require(durationSeconds > 0, "--duration must be > 0, was " + durationSeconds);
        require(
                rate == null || (rate > 0 && !rate.isInfinite()),
                "--rate must be > 0, was " + rate);
        for (String key : appConfig.keySet()) {
            String why = RESERVED.get(key);
            require(why == null, "--app-config " + key + " is set by the bench: " + why);
        }
        Path outDir =
                out != null
                        ? out
                        : dataDir.resolve("runs")
                                .resolve(
                                        DateTimeFormatter.ofPattern(
                                                        "yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
                                                .withZone(ZoneOffset.UTC)
                                                .format(Instant.now()));
        BenchSettings settings =
                new BenchSettings(
                        encoderType,
                        Optional.ofNullable(model),
                        retrain,
                        n,
                        imageSize,
                        batch,
                        sweep,
                        threads == null ? OptionalInt.empty() : OptionalInt.of(threads),
                        Duration.ofMillis(Math.round(stageSeconds * 1000)),
                        Duration.ofMillis(Math.round(warmUpSeconds * 1000)),
                        Duration.ofMillis(Math.round(warmUpMaxSeconds * 1000)),
                        instances,
                        Duration.ofMillis(Math.round(durationSeconds * 1000)),
                        rate == null ? OptionalDouble.empty() : OptionalDouble.of(rate),
                        appConfig,
                        dataDir,
                        outDir);
        try {
            StreamsAppConfig.of(
                    BenchRun.appConfig(
                            settings,
                            "127.0.0.1:9092",
                            "http://127.0.0.1:8081",
                            Path.of("model"),
                            dataDir));
        } catch (ConfigException e) {
            throw new IllegalArgumentException("invalid --app-config: " + e.getMessage());
        }
        return settings;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    private static void progress(PrintWriter err, String line) {
        err.println("bench: " + line);
        err.flush();
    }
}

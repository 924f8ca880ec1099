package io.captioner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.captioner.events.TrainingRun;
import io.captioner.model.metrics.MetricScores;
import io.captioner.training.TrainingRunLog;
import io.captioner.training.TrainingService;
import io.captioner.training.config.TrainingServiceConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code captioner training}: runs the training service until SIGINT/SIGTERM; {@code captioner
 * training runs} prints the recorded runs.
 */
@Command(
        name = "training",
        mixinStandardHelpOptions = true,
        description = {
            "Run the training service: learn from topic 'labeled-pairs', publish better models to"
                    + " 'models', record every run on 'training-runs'.",
            "Configuration: defaults < --config file < CAPTIONER_* environment < flags"
                    + " (see config/training-service.properties).",
            "Prints one line 'READY http=PORT model=NAME' when running, then runs until Ctrl-C or"
                    + " SIGTERM; exits 1 naming the cause if reading the topics fails."
        },
        subcommands = {TrainingServiceCommand.Runs.class})
public final class TrainingServiceCommand implements Callable<Integer> {

    @Spec CommandLine.Model.CommandSpec spec;

    @Mixin KafkaOptions kafka;

    @Option(
            names = "--http-port",
            paramLabel = "PORT",
            description = "Port of the ops endpoint (/health, /ready, /metrics, /status); 0 = any.")
    Integer httpPort;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TrainingServiceConfig config;
        try {
            config = buildConfig();
        } catch (ConfigException | java.io.UncheckedIOException e) {
            err.println("captioner training: " + e.getMessage());
            err.flush();
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicReference<TrainingService> running = new AtomicReference<>();
        Thread hook =
                new Thread(
                        () -> {
                            TrainingService service = running.get();
                            if (service != null) {
                                service.close();
                                err.println("captioner training: stopped");
                                err.flush();
                                // The JVM would report 128+signal (143 on SIGTERM) once hooks
                                // finish; a requested stop of a running service is a success.
                                Runtime.getRuntime().halt(0);
                            }
                            stopped.countDown();
                        },
                        "captioner-training-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        TrainingService service = new TrainingService(config);
        try {
            service.start();
        } catch (Exception e) {
            removeHook(hook);
            service.close();
            err.println("captioner training: cannot start: " + e.getMessage());
            err.flush();
            return 1;
        }
        running.set(service);
        // The ingest thread dying ends the service too: it would learn nothing more.
        service.termination().whenComplete((v, t) -> stopped.countDown());
        out.println("READY http=" + service.httpPort() + " model=" + config.modelName());
        out.flush();
        stopped.await();
        Throwable failure = service.failure().orElse(null);
        if (failure == null) {
            return 0;
        }
        removeHook(hook);
        service.close();
        err.println("captioner training: the ingest thread stopped: " + failure);
        err.flush();
        return 1;
    }

    private TrainingServiceConfig buildConfig() {
        TrainingServiceConfig.Builder builder = TrainingServiceConfig.builder();
        if (kafka.configFile() != null) {
            builder.optPropertiesFile(kafka.configFile());
        }
        Map<String, String> environment = System.getenv();
        builder.optEnvironment(environment);
        builder.optOverrides(ClientSettings.environmentSettings(environment));
        if (kafka.bootstrapGiven()) {
            builder.optOverride(TrainingServiceConfig.BOOTSTRAP_SERVERS, kafka.bootstrap);
        }
        if (kafka.registryGiven()) {
            builder.optOverride(TrainingServiceConfig.SCHEMA_REGISTRY_URL, kafka.registry);
        }
        if (httpPort != null) {
            builder.optOverride(TrainingServiceConfig.HTTP_PORT, httpPort);
        }
        return builder.build();
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down; the hook will run.
        }
    }

    /** {@code captioner training runs}: the recorded runs, oldest first. */
    @Command(
            name = "runs",
            mixinStandardHelpOptions = true,
            description = {
                "Print the training service's runs from topic 'training-runs', oldest first: run"
                        + " id, trigger, pairs, scores, decision and version.",
                "--json prints one object per line with run_id, trigger, forced, pairs_train,"
                        + " pairs_validation, skipped, warm_start, parent_version, epochs,"
                        + " candidate, active (BLEU_1..BLEU_4, ROUGE_L, CIDEr; null when nothing"
                        + " was served), decision, reason, error, version, started, seconds."
            })
    static final class Runs implements Callable<Integer> {

        private static final ObjectMapper JSON = new ObjectMapper();

        @Spec CommandLine.Model.CommandSpec spec;

        @Mixin KafkaOptions kafka;

        @Option(
                names = "--topic-prefix",
                paramLabel = "PREFIX",
                defaultValue = "",
                description = "Prefix of the topic names, for a shared cluster (default: none).")
        String topicPrefix;

        @Option(names = "--json", description = "One JSON object per line.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            List<TrainingRun> runs;
            try {
                runs =
                        TrainingRunLog.readAll(
                                kafka.bootstrap(),
                                kafka.kafkaConfig(),
                                kafka.settings().topics(topicPrefix).trainingRuns());
            } catch (KafkaException | IllegalStateException e) {
                throw new UserException(
                        1,
                        "cannot read training-runs from Kafka at "
                                + kafka.bootstrap()
                                + ": "
                                + e.getMessage());
            }
            for (TrainingRun run : runs) {
                out.println(json ? JSON.writeValueAsString(toJson(run)) : line(run));
            }
            if (!json && runs.isEmpty()) {
                out.println("no training runs");
            }
            out.flush();
            return 0;
        }

        static ObjectNode toJson(TrainingRun run) {
            ObjectNode node = JSON.createObjectNode();
            node.put("run_id", run.getRunId());
            node.put("model", run.getModelName());
            node.put("trigger", run.getTrigger().name());
            node.put("forced", run.getForced());
            node.put("pairs_train", run.getPairsTrain());
            node.put("pairs_validation", run.getPairsValidation());
            ObjectNode skipped = node.putObject("skipped");
            run.getSkipped().forEach(skipped::put);
            node.put("warm_start", run.getWarmStart());
            node.put("parent_version", run.getParentVersion());
            node.put("epochs", run.getEpochs());
            scores(
                    node,
                    "candidate",
                    run.getCandidateMetrics().isEmpty() ? null : run.getCandidateMetrics());
            scores(node, "active", run.getActiveMetrics());
            node.put("decision", run.getDecision().name());
            node.put("reason", run.getReason());
            node.put("error", run.getError());
            node.put("version", run.getVersion());
            node.put("started", run.getStartedTime().truncatedTo(ChronoUnit.MILLIS).toString());
            node.put(
                    "seconds",
                    Duration.between(run.getStartedTime(), run.getFinishedTime()).toMillis()
                            / 1000.0);
            return node;
        }

        private static void scores(ObjectNode node, String field, Map<String, Double> scores) {
            if (scores == null) {
                node.putNull(field);
                return;
            }
            ObjectNode out = node.putObject(field);
            for (String name :
                    List.of(
                            MetricScores.BLEU_1,
                            MetricScores.BLEU_2,
                            MetricScores.BLEU_3,
                            MetricScores.BLEU_4,
                            MetricScores.ROUGE_L,
                            MetricScores.CIDER)) {
                Double value = scores.get(name);
                if (value == null) {
                    out.putNull(name);
                } else {
                    out.put(name, value);
                }
            }
        }

        private static String line(TrainingRun run) {
            Double candidate = run.getCandidateMetrics().get(run.getGateMetric());
            Double active =
                    run.getActiveMetrics() == null
                            ? null
                            : run.getActiveMetrics().get(run.getGateMetric());
            return String.format(
                    Locale.ROOT,
                    "%s  %-8s %s%-9s train=%d val=%d %s %s=%s active=%s  %s%s",
                    run.getRunId(),
                    run.getTrigger(),
                    run.getForced() ? "forced " : "",
                    run.getWarmStart() ? "warm" : "cold",
                    run.getPairsTrain(),
                    run.getPairsValidation(),
                    "epochs=" + run.getEpochs(),
                    run.getGateMetric(),
                    candidate == null ? "-" : String.format(Locale.ROOT, "%.4f", candidate),
                    active == null ? "-" : String.format(Locale.ROOT, "%.4f", active),
                    run.getDecision(),
                    run.getVersion() != null
                            ? " " + run.getVersion()
                            : run.getError() != null ? " (" + run.getError() + ")" : "");
        }
    }
}

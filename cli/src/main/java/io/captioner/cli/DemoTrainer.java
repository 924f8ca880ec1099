package io.captioner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.captioner.events.TrainingRun;
import io.captioner.schemas.Topics;
import io.captioner.stack.LocalStack;
import io.captioner.training.TrainingRunLog;
import io.captioner.training.TrainingService;
import io.captioner.training.config.TrainingServiceConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The training service in the demo's JVM, configured for the demo and watched the way an operator
 * watches it: its {@code /status} endpoint for progress, its {@code training-runs} records for
 * decisions.
 */
final class DemoTrainer implements AutoCloseable {

    /** The model name the demo trains and serves: what {@code ./captioner streams} serves too. */
    static final String MODEL_NAME = "captioner";

    private final LocalStack stack;
    private final Topics topics;
    private final TrainingService service;
    private final HttpClient http = HttpClient.newHttpClient();

    private DemoTrainer(LocalStack stack, Topics topics, TrainingService service) {
        this.stack = stack;
        this.topics = topics;
        this.service = service;
    }

    /**
     * Starts the service on {@code stack}, training tiny-cnn with {@code decoder} for {@code
     * epochs} after {@code triggerPairs} new pairs, with its data (image cache, work files) under
     * {@code dataDir}.
     */
    static DemoTrainer start(
            LocalStack stack,
            Topics topics,
            Path dataDir,
            int triggerPairs,
            int epochs,
            String decoder)
            throws IOException {
        TrainingServiceConfig config =
                TrainingServiceConfig.of(
                        Map.of(
                                TrainingServiceConfig.BOOTSTRAP_SERVERS,
                                stack.bootstrapServers(),
                                TrainingServiceConfig.SCHEMA_REGISTRY_URL,
                                stack.registryUrl(),
                                TrainingServiceConfig.DATA_DIR,
                                dataDir.toString(),
                                TrainingServiceConfig.MODEL_NAME,
                                MODEL_NAME,
                                TrainingServiceConfig.TRIGGER_PAIRS,
                                triggerPairs,
                                TrainingServiceConfig.ENCODER,
                                "tiny-cnn",
                                TrainingServiceConfig.DECODER,
                                decoder,
                                TrainingServiceConfig.EPOCHS,
                                epochs,
                                TrainingServiceConfig.HTTP_PORT,
                                0));
        TrainingService service = new TrainingService(config);
        try {
            service.start();
        } catch (IOException | RuntimeException e) {
            service.close();
            throw e;
        }
        return new DemoTrainer(stack, topics, service);
    }

    /** The port of the service's ops endpoint. */
    int httpPort() {
        return service.httpPort();
    }

    /** Sends {@code models train-now} for the demo's model, as a user would from any host. */
    void trainNow() throws ExecutionException, TimeoutException, InterruptedException {
        TrainingRunLog.trainNow(
                stack.bootstrapServers(),
                Map.of(),
                topics.trainingControl(),
                MODEL_NAME,
                false,
                "demo");
    }

    /** The last run the service finished if it is not {@code previousRunId} (null: any run). */
    Optional<TrainingRun> runAfter(String previousRunId) {
        return service.lastRun().filter(r -> !Objects.equals(r.getRunId(), previousRunId));
    }

    /** Every committed run, oldest first, as {@code training runs} prints them. */
    List<TrainingRun> runs() {
        return TrainingRunLog.readAll(stack.bootstrapServers(), Map.of(), topics.trainingRuns());
    }

    /**
     * One line of the current run's progress from the service's {@code /status} endpoint (phase,
     * epoch, validation loss, ETA), or empty while it is idle or does not answer.
     */
    String progressLine() throws InterruptedException {
        try {
            HttpResponse<String> response =
                    http.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    "http://127.0.0.1:"
                                                            + service.httpPort()
                                                            + "/status"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            JsonNode run = TopicTailCommand.JSON.readTree(response.body()).path("run");
            String phase = run.path("phase").asText("");
            if (phase.isEmpty() || phase.equals("IDLE")) {
                return "";
            }
            StringBuilder line = new StringBuilder("training service: ").append(phase);
            if (run.hasNonNull("epoch") && run.path("epoch").asInt() > 0) {
                line.append(
                        String.format(
                                Locale.ROOT,
                                " epoch %d/%d",
                                run.path("epoch").asInt(),
                                run.path("epochs").asInt()));
            }
            if (run.hasNonNull("validation_loss")) {
                line.append(
                        String.format(
                                Locale.ROOT,
                                " validation loss %.3f",
                                run.path("validation_loss").asDouble()));
            }
            if (run.hasNonNull("eta_seconds")) {
                line.append(" ETA ").append(Progress.duration(run.path("eta_seconds").asDouble()));
            }
            return line.toString();
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        service.close();
    }
}

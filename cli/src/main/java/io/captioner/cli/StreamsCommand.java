package io.captioner.cli;

import io.captioner.streams.CaptioningApp;
import io.captioner.streams.config.StreamsAppConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code captioner streams}: runs the captioning Kafka Streams app (images in, captions and dead
 * letters out, ops endpoint) until SIGINT/SIGTERM.
 */
@Command(
        name = "streams",
        mixinStandardHelpOptions = true,
        description = {
            "Run the captioning streams app: images -> captions, failures -> captions-dlq.",
            "Configuration: defaults < --config file < CAPTIONER_* environment < flags"
                    + " (see config/streams-app.properties).",
            "Prints one line 'READY http=PORT ...' when running, then runs until Ctrl-C or"
                    + " SIGTERM."
        })
public final class StreamsCommand implements Callable<Integer> {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin KafkaOptions kafka;

    @Option(
            names = "--http-port",
            paramLabel = "PORT",
            description = "Port of the ops endpoint (/health, /ready, /metrics, /model); 0 = any.")
    Integer httpPort;

    @Option(
            names = "--model",
            paramLabel = "FILE",
            description =
                    "Model artifact file to serve until a version is activated on the models"
                            + " topic (captioner.model.path).")
    Path model;

    @Option(
            names = "--model-name",
            paramLabel = "NAME",
            description =
                    "Model name whose activations on the models topic are served"
                            + " (captioner.model.name, default captioner).")
    String modelName;

    @Option(
            names = "--trusted-keys",
            paramLabel = "DIR",
            description =
                    "Directory of trusted public keys (*.pem from 'models keygen'): serve only"
                            + " models they signed (captioner.model.trusted.keys.dir).")
    Path trustedKeys;

    @Option(
            names = "--device",
            paramLabel = "DEVICE",
            description =
                    "Where the served models run, every hot-swapped version included: "
                            + DeviceOption.DESCRIPTION)
    String device;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DeviceOption.applyToProcess(device);
        StreamsAppConfig appConfig;
        try {
            appConfig = buildConfig();
        } catch (ConfigException | java.io.UncheckedIOException e) {
            err.println("captioner streams: " + e.getMessage());
            err.flush();
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicReference<CaptioningApp> running = new AtomicReference<>();
        Thread hook =
                new Thread(
                        () -> {
                            CaptioningApp app = running.get();
                            if (app != null) {
                                app.close();
                                err.println("captioner streams: stopped");
                                err.flush();
                                // The JVM would report 128+signal once hooks finish; a requested
                                // stop of a running app is a success, as for 'captioner stack'.
                                Runtime.getRuntime().halt(0);
                            }
                            stopped.countDown();
                        },
                        "captioner-streams-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        CaptioningApp app;
        try {
            app = CaptioningApp.start(appConfig);
        } catch (Exception e) {
            removeHook(hook);
            err.println("captioner streams: cannot start: " + e.getMessage());
            err.flush();
            return 1;
        }
        running.set(app);
        if (!app.awaitRunning(START_TIMEOUT)) {
            err.println(
                    "captioner streams: Kafka Streams did not reach RUNNING (" + app.state() + ")");
            err.flush();
            removeHook(hook);
            app.close();
            return 1;
        }
        out.println("READY " + app.describe());
        out.flush();
        // Serve until a signal runs the shutdown hook, which closes the app.
        stopped.await();
        return 0;
    }

    private StreamsAppConfig buildConfig() {
        StreamsAppConfig.Builder builder = StreamsAppConfig.builder();
        // --config is the app's configuration file: its keys and the client settings of every
        // other command (security.protocol, sasl.*, ssl.*, basic.auth.*, schema.registry.ssl.*),
        // which the app passes through to Kafka Streams and the serdes.
        if (kafka.configFile() != null) {
            builder.optPropertiesFile(kafka.configFile());
        }
        Map<String, String> environment = System.getenv();
        builder.optEnvironment(environment);
        // The client settings' environment variables, as every client command reads them.
        builder.optOverrides(ClientSettings.environmentSettings(environment));
        if (kafka.bootstrapGiven()) {
            builder.optOverride(StreamsAppConfig.BOOTSTRAP_SERVERS, kafka.bootstrap);
        }
        if (kafka.registryGiven()) {
            builder.optOverride(StreamsAppConfig.SCHEMA_REGISTRY_URL, kafka.registry);
        }
        if (httpPort != null) {
            builder.optOverride(StreamsAppConfig.HTTP_PORT, httpPort);
        }
        if (model != null) {
            builder.optOverride(StreamsAppConfig.MODEL_PATH, model.toAbsolutePath().toString());
        }
        if (modelName != null) {
            builder.optOverride(StreamsAppConfig.MODEL_NAME, modelName);
        }
        if (trustedKeys != null) {
            builder.optOverride(
                    StreamsAppConfig.MODEL_TRUSTED_KEYS_DIR,
                    trustedKeys.toAbsolutePath().toString());
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
}

package io.captioner.cli;

import io.captioner.stack.LocalStack;
import io.captioner.stack.StackException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code captioner stack}: runs a real single-node Kafka and a Confluent-compatible schema registry
 * in this JVM until SIGINT/SIGTERM, so a fresh machine needs nothing but Java.
 */
@Command(
        name = "stack",
        mixinStandardHelpOptions = true,
        description = {
            "Run the local stack: an embedded KRaft Kafka broker and a schema registry.",
            "Prints one line 'READY bootstrap=HOST:PORT registry=URL' when usable,"
                    + " then runs until Ctrl-C or SIGTERM."
        })
public final class StackCommand implements Callable<Integer> {

    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(60);

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** Keys of the {@code --config} file, each the name of the flag without its dashes. */
    static final List<String> CONFIG_KEYS =
            List.of("data.dir", "temporary", "kafka.port", "registry.port", "host");

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "Properties file with data.dir, temporary, kafka.port, registry.port, host"
                            + " (e.g. config/local-stack.properties); flags override it.")
    Path config;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Kafka data directory, kept across restarts (default: .captioner/kafka).")
    Path dataDir;

    @Option(
            names = "--temporary",
            description = "Use a temporary data directory that is deleted on exit.")
    Boolean temporary;

    @Option(
            names = "--kafka-port",
            paramLabel = "PORT",
            description = "Kafka port, 0 = any free port (default: 9092).")
    Integer kafkaPort;

    @Option(
            names = "--registry-port",
            paramLabel = "PORT",
            description = "Schema registry port, 0 = any free port (default: 8081).")
    Integer registryPort;

    @Option(
            names = "--host",
            paramLabel = "HOST",
            description =
                    "Host advertised to Kafka clients and in the registry URL (default:"
                            + " 127.0.0.1).")
    String host;

    @Override
    public Integer call() throws InterruptedException {
        LocalStack stack = build();
        AtomicBoolean ready = new AtomicBoolean();
        Thread hook =
                new Thread(
                        () -> {
                            startWatchdog();
                            int status = 0;
                            try {
                                stack.close();
                            } catch (RuntimeException e) {
                                System.err.println("captioner stack: error while stopping: " + e);
                                status = 1;
                            }
                            if (ready.get()) {
                                System.err.println("captioner stack: stopped");
                                System.err.flush();
                                // The JVM would report 128+signal once hooks finish; a requested
                                // stop of a healthy stack is a success, so end with 0 here.
                                Runtime.getRuntime().halt(status);
                            }
                        },
                        "captioner-stack-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stack.start();
        } catch (StackException e) {
            removeHook(hook);
            stack.close();
            PrintWriter err = spec.commandLine().getErr();
            err.println("captioner stack: " + e.getMessage());
            err.flush();
            return 1;
        }
        ready.set(true);
        PrintWriter out = spec.commandLine().getOut();
        out.println(
                "READY bootstrap=" + stack.bootstrapServers() + " registry=" + stack.registryUrl());
        out.flush();
        // Serve until a signal runs the shutdown hook, which closes the stack and ends the JVM.
        new CountDownLatch(1).await();
        return 0;
    }

    private LocalStack build() {
        Map<String, String> file = readConfig();
        try {
            LocalStack.Builder builder =
                    LocalStack.builder()
                            .optKafkaPort(
                                    kafkaPort != null ? kafkaPort : port(file, "kafka.port", 9092))
                            .optRegistryPort(
                                    registryPort != null
                                            ? registryPort
                                            : port(file, "registry.port", 8081))
                            .optHost(host != null ? host : file.getOrDefault("host", "127.0.0.1"));
            boolean temp =
                    temporary != null
                            ? temporary
                            : Boolean.parseBoolean(file.getOrDefault("temporary", "false"));
            if (temp) {
                builder.optTemporary();
            } else {
                builder.optDataDir(
                        dataDir != null
                                ? dataDir
                                : Path.of(file.getOrDefault("data.dir", ".captioner/kafka")));
            }
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private Map<String, String> readConfig() {
        if (config == null) {
            return Map.of();
        }
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(config)) {
            props.load(in);
        } catch (NoSuchFileException e) {
            throw new UserException("--config " + config + ": no such file");
        } catch (IOException | IllegalArgumentException e) {
            throw new UserException("--config " + config + ": cannot read it: " + e.getMessage());
        }
        Map<String, String> values = new HashMap<>();
        for (String key : props.stringPropertyNames()) {
            if (!CONFIG_KEYS.contains(key)) {
                throw new UserException(
                        "--config "
                                + config
                                + ": unknown key '"
                                + key
                                + "'; known: "
                                + CONFIG_KEYS);
            }
            values.put(key, props.getProperty(key).trim());
        }
        return values;
    }

    private int port(Map<String, String> file, String key, int defaultPort) {
        String value = file.get(key);
        if (value == null) {
            return defaultPort;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UserException("--config " + config + ": " + key + " must be a port number");
        }
    }

    /**
     * Ends the JVM if a clean stop hangs (e.g. Kafka waiting on a controller that is gone): signals
     * are no longer delivered during shutdown, so the user could only kill -9.
     */
    private static void startWatchdog() {
        Thread watchdog =
                new Thread(
                        () -> {
                            try {
                                Thread.sleep(SHUTDOWN_GRACE.toMillis());
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                            System.err.println(
                                    "captioner stack: clean stop took over "
                                            + SHUTDOWN_GRACE.toSeconds()
                                            + " s; exiting without it");
                            System.err.flush();
                            Runtime.getRuntime().halt(1);
                        },
                        "captioner-stack-shutdown-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down; the hook will run and close the stack.
        }
    }
}

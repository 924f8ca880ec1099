package io.captioner.cli;

import io.captioner.stack.LocalStack;
import io.captioner.stack.StackException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
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

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            defaultValue = ".captioner/kafka",
            description = "Kafka data directory, kept across restarts (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--temporary",
            description = "Use a temporary data directory that is deleted on exit.")
    boolean temporary;

    @Option(
            names = "--kafka-port",
            paramLabel = "PORT",
            defaultValue = "9092",
            description = "Kafka port, 0 = any free port (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(
            names = "--registry-port",
            paramLabel = "PORT",
            defaultValue = "8081",
            description = "Schema registry port, 0 = any free port (default: ${DEFAULT-VALUE}).")
    int registryPort;

    @Option(
            names = "--host",
            paramLabel = "HOST",
            defaultValue = "127.0.0.1",
            description =
                    "Host advertised to Kafka clients and in the registry URL"
                            + " (default: ${DEFAULT-VALUE}).")
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
        try {
            LocalStack.Builder builder =
                    LocalStack.builder()
                            .optKafkaPort(kafkaPort)
                            .optRegistryPort(registryPort)
                            .optHost(host);
            if (temporary) {
                builder.optTemporary();
            } else {
                builder.optDataDir(dataDir);
            }
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
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

package io.captioner.cli;

import io.captioner.cli.ui.LiveFeed;
import io.captioner.cli.ui.LivePage;
import io.captioner.cli.ui.LiveState;
import io.captioner.cli.ui.Thumbnails;
import io.captioner.schemas.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code captioner ui}: a live page of captions, dead letters and the active model version. */
@Command(
        name = "ui",
        mixinStandardHelpOptions = true,
        description = {
            "Serve a live page: each caption as it arrives (thumbnail, caption, model version,"
                    + " latency), the active model version, the recent dead letters with their"
                    + " reasons and the last training decisions.",
            "Follows images, captions and captions-dlq (committed records only), models and"
                    + " training-runs; keeps only a recent window in memory. Runs until Ctrl-C or"
                    + " SIGTERM."
        })
final class UiCommand implements Callable<Integer> {

    private static final long SHUTDOWN_WAIT_SECONDS = 15;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin KafkaOptions kafka;

    @Option(
            names = "--http-port",
            paramLabel = "PORT",
            defaultValue = "8090",
            description = "Port of the page (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int httpPort;

    @Option(
            names = "--bind",
            paramLabel = "HOST",
            defaultValue = "127.0.0.1",
            description =
                    "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0"
                            + " for every interface).")
    String bind;

    @Option(
            names = "--recent",
            paramLabel = "N",
            defaultValue = "100",
            description =
                    "Captions and images kept and shown, and read back per partition at start"
                            + " (default: ${DEFAULT-VALUE}).")
    int recent;

    @Option(
            names = "--max-clients",
            paramLabel = "N",
            defaultValue = "8",
            description = "Browsers that may follow the page at once (default: ${DEFAULT-VALUE}).")
    int maxClients;

    @Option(
            names = "--topic-prefix",
            paramLabel = "PREFIX",
            defaultValue = "",
            description = "Prefix of the topic names, for a shared cluster (default: none).")
    String topicPrefix;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    /** Stops a running command as SIGINT/SIGTERM do; safe from any thread. */
    void stop() {
        stopRequested.countDown();
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (recent < 1 || recent > 10_000) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--recent must be in 1..10000, got " + recent);
        }
        if (maxClients < 1 || maxClients > 56) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--max-clients must be in 1..56, got " + maxClients);
        }
        if (httpPort < 0 || httpPort > 65535) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--http-port must be in 0..65535, got " + httpPort);
        }
        Topics topics = kafka.settings().topics(topicPrefix);
        Thread hook = new Thread(this::stopAndAwait, "captioner-ui-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        LiveState state = new LiveState(recent, 50, 1000);
        Thumbnails thumbnails = new Thumbnails(recent);
        try (LivePage page = new LivePage(state, thumbnails, bind, httpPort, maxClients)) {
            try {
                page.start();
            } catch (IOException e) {
                throw new UserException(1, e.getMessage());
            }
            try (LiveFeed feed =
                    new LiveFeed(
                            new KafkaConsumer<>(
                                    consumerConfig(),
                                    new ByteArrayDeserializer(),
                                    new ByteArrayDeserializer()),
                            topics,
                            state,
                            thumbnails,
                            recent)) {
                String host = bind.equals("0.0.0.0") ? "127.0.0.1" : bind;
                out.printf(Locale.ROOT, "UI http://%s:%d/%n", host, page.port());
                out.flush();
                err.println(
                        "captioner ui: following "
                                + topics.captions().name()
                                + ", "
                                + topics.captionsDlq().name()
                                + ", "
                                + topics.images().name()
                                + " and "
                                + topics.models().name()
                                + " on "
                                + kafka.bootstrap()
                                + "; Ctrl-C stops");
                err.flush();
                stopRequested.await();
            }
        } catch (KafkaException e) {
            err.println("captioner ui: Kafka error (bootstrap " + kafka.bootstrap() + "): " + e);
            return 1;
        } finally {
            finished.countDown();
            removeHook(hook);
        }
        return 0;
    }

    private Properties consumerConfig() {
        return kafka.settings()
                .client(
                        Map.of(
                                ConsumerConfig.CLIENT_ID_CONFIG,
                                "captioner-cli-ui",
                                // Records deleted under the feed's position: go on from the oldest.
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest",
                                // Few large image records per fetch keep the feed's memory flat.
                                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                                4 * 1024 * 1024),
                        Map.of(
                                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                                IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT),
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                                false,
                                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                                false));
    }

    private void stopAndAwait() {
        stop();
        try {
            finished.await(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: this hook is what stopped the command.
        }
    }
}

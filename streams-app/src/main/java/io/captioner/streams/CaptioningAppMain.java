package io.captioner.streams;

import io.captioner.streams.config.StreamsAppConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the app in its own JVM until SIGTERM/SIGINT: {@code java ... CaptioningAppMain
 * [streams-app.properties]}; environment variables override the file (see {@link
 * StreamsAppConfig}). Logs {@code READY ...} once Kafka Streams is running.
 */
public final class CaptioningAppMain {

    private static final Logger LOG = LoggerFactory.getLogger(CaptioningAppMain.class);

    private CaptioningAppMain() {}

    /** Starts the app and blocks until the JVM is asked to stop. */
    public static void main(String[] args) throws Exception {
        StreamsAppConfig.Builder builder = StreamsAppConfig.builder();
        if (args.length > 0) {
            builder.optPropertiesFile(Path.of(args[0]));
        }
        StreamsAppConfig config = builder.optEnvironment(System.getenv()).build();
        CaptioningApp app = CaptioningApp.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    app.close();
                                    stopped.countDown();
                                },
                                "captioner-shutdown"));
        if (app.awaitRunning(Duration.ofMinutes(5))) {
            LOG.info("READY {}", app.describe());
        }
        stopped.await();
    }
}

package io.captioner.training;

import io.captioner.training.config.TrainingServiceConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs the training service in its own JVM for {@link TrainingServiceCrashIT}, which SIGKILLs it:
 * the configuration comes from the properties file given as the only argument, and the ops port is
 * written to {@code <file>.port} once the service runs.
 */
public final class ServiceProcess {

    private ServiceProcess() {}

    /** Starts the service and blocks until the process is killed. */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        TrainingService service =
                new TrainingService(TrainingServiceConfig.builder().optPropertiesFile(file).build())
                        .start();
        Path port = file.resolveSibling(file.getFileName() + ".port");
        Files.writeString(port, Integer.toString(service.httpPort()));
        Thread.currentThread().join();
    }
}

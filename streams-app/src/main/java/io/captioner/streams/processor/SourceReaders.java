package io.captioner.streams.processor;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;

/** Opens a task's {@link SourceReader}, given the app's Streams configuration. */
@FunctionalInterface
interface SourceReaders {

    /** How long one read of buffered images back from the input topic may take. */
    Duration READ_TIMEOUT = Duration.ofSeconds(10);

    /** Opens a reader for a task, named {@code clientId}, connected as the app is. */
    SourceReader open(Map<String, Object> appConfigs, String clientId);

    /**
     * Readers on a consumer with the settings Streams gives its restore consumer (bootstrap,
     * security, {@code restore.consumer.} overrides): it reads the way restoring the buffer does.
     */
    static SourceReaders kafka() {
        return (appConfigs, clientId) ->
                new KafkaSourceReader(
                        new StreamsConfig(appConfigs).getRestoreConsumerConfigs(clientId),
                        READ_TIMEOUT);
    }
}

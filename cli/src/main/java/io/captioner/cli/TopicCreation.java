package io.captioner.cli;

import io.captioner.schemas.Topic;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Makes sure a topic a command writes to exists with its recommended layout, instead of letting a
 * producer auto-create it with the broker's defaults (one partition, delete policy).
 */
final class TopicCreation {

    private static final int TIMEOUT_MS = 30_000;

    private TopicCreation() {}

    /**
     * Creates {@code topic} with its partitions and cleanup policy when it does not exist.
     *
     * @throws UserException when Kafka does not answer or refuses to create it
     */
    static void ensure(ClientSettings settings, Topic<?, ?> topic) {
        Properties config =
                settings.client(
                        Map.of(
                                AdminClientConfig.CLIENT_ID_CONFIG,
                                "captioner-cli-admin",
                                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                                TIMEOUT_MS,
                                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                                TIMEOUT_MS),
                        Map.of());
        try (Admin admin = Admin.create(config)) {
            try {
                admin.describeTopics(List.of(topic.name()))
                        .allTopicNames()
                        .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw kafkaFailure(settings, topic, e.getCause());
                }
            }
            try {
                admin.createTopics(List.of(topic.newTopic()))
                        .all()
                        .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new UserException(
                            1,
                            "topic "
                                    + topic.name()
                                    + " does not exist and cannot be created: "
                                    + e.getCause().getMessage());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException(1, "interrupted while checking topic " + topic.name());
        } catch (java.util.concurrent.TimeoutException e) {
            throw kafkaFailure(settings, topic, e);
        }
    }

    private static UserException kafkaFailure(
            ClientSettings settings, Topic<?, ?> topic, Throwable cause) {
        return new UserException(
                1,
                "Kafka at "
                        + settings.bootstrap()
                        + " did not answer about topic "
                        + topic.name()
                        + " (is it running? see --bootstrap, --config): "
                        + (cause.getMessage() == null ? cause : cause.getMessage()));
    }
}

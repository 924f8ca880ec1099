package io.captioner.training;

import io.captioner.schemas.Topic;
import io.captioner.schemas.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics the service reads and writes ({@code labeled-pairs}, {@code training-runs},
 * {@code training-control}) with their layout when missing; {@code models} is the publisher's.
 */
final class TrainingTopics {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingTopics.class);

    private TrainingTopics() {}

    /**
     * Creates whichever of the three topics is missing.
     *
     * @throws IllegalStateException when Kafka does not answer or refuses
     */
    static void ensure(String bootstrapServers, Map<String, ?> clientConfig, Topics topics) {
        Map<String, Object> adminConfig = new HashMap<>(clientConfig);
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(adminConfig)) {
            for (Topic<String, ?> topic :
                    List.of(
                            topics.labeledPairs(),
                            topics.trainingRuns(),
                            topics.trainingControl())) {
                try {
                    admin.createTopics(List.of(topic.newTopic())).all().get(30, TimeUnit.SECONDS);
                    LOG.info("created topic {}", topic.name());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "cannot create topic " + topic.name() + ": " + e.getCause(), e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "Kafka at " + bootstrapServers + " did not answer in 30 s", e);
        }
    }
}

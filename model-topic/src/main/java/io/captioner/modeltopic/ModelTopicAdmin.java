package io.captioner.modeltopic;

import io.captioner.events.ModelTopicRecord;
import io.captioner.modeltopic.ModelPublishException.Reason;
import io.captioner.schemas.Topic;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the {@code models} topic exists with the layout the protocol needs: created with one
 * partition and {@code cleanup.policy=compact} when missing, refused when it has more partitions
 * (records of several partitions have no total order, so "the latest activation" would be
 * ambiguous).
 */
public final class ModelTopicAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(ModelTopicAdmin.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private ModelTopicAdmin() {}

    /**
     * Creates {@code topic} if missing and checks its partition count.
     *
     * @param clientConfig extra admin client settings (security, timeouts)
     * @throws ModelPublishException with {@link Reason#BAD_TOPIC_LAYOUT} for a topic with more than
     *     one partition
     * @throws KafkaException if Kafka cannot be reached or refuses
     */
    public static void ensureTopic(
            String bootstrapServers,
            Map<String, ?> clientConfig,
            Topic<String, ModelTopicRecord> topic) {
        Objects.requireNonNull(topic, "topic");
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(config)) {
            try {
                admin.createTopics(List.of(topic.newTopic()))
                        .all()
                        .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("Created topic {} (1 partition, compacted)", topic.name());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new KafkaException("Cannot create topic " + topic.name(), e.getCause());
                }
            }
            TopicDescription description = describe(admin, topic.name());
            if (description.partitions().size() != 1) {
                throw new ModelPublishException(
                        Reason.BAD_TOPIC_LAYOUT,
                        "topic "
                                + topic.name()
                                + " has "
                                + description.partitions().size()
                                + " partitions; the models protocol needs exactly one");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted while checking topic " + topic.name(), e);
        } catch (ExecutionException e) {
            throw new KafkaException("Cannot describe topic " + topic.name(), e.getCause());
        } catch (TimeoutException e) {
            throw new org.apache.kafka.common.errors.TimeoutException(
                    "Kafka at " + bootstrapServers + " did not answer within " + ADMIN_TIMEOUT, e);
        }
    }

    /**
     * Describes the topic, retrying while the broker does not know it yet: a topic just created
     * reaches the brokers' metadata a moment after the controller acknowledged it.
     */
    private static TopicDescription describe(Admin admin, String name)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (true) {
            try {
                return admin.describeTopics(List.of(name))
                        .allTopicNames()
                        .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                        .get(name);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}

package io.captioner.streams;

import io.captioner.schemas.Topic;
import io.captioner.schemas.Topics;
import io.captioner.streams.config.StreamsAppConfig;
import io.captioner.streams.processor.CaptioningTopology;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topics an app needs, as it creates them: missing ones with their recommended layout (the
 * images topic with the configured partitions and message size), and the buffer changelog of an
 * earlier release raised to the message size the largest accepted image needs.
 */
final class TopicSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    private TopicSetup() {}

    /**
     * Creates the images, captions and captions-dlq topics (and models, when followed) that do not
     * exist yet, with their recommended layout.
     *
     * @throws CaptioningAppException if the broker refuses or does not answer
     */
    static void ensure(StreamsAppConfig config) {
        Topics topics = CaptioningTopology.topics(config);
        List<Topic<String, ?>> needed = new ArrayList<>();
        needed.addAll(List.of(topics.images(), topics.captions(), topics.captionsDlq()));
        if (config.modelTopicEnabled()) {
            needed.add(topics.models());
        }
        try (Admin admin = Admin.create(config.adminConfig())) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topic<String, ?> topic : needed) {
                if (!existing.contains(topic.name())) {
                    missing.add(
                            topic == topics.images()
                                    ? imagesTopic(config, topic)
                                    : topic.newTopic());
                }
            }
            String changelog =
                    config.applicationId() + "-" + CaptioningTopology.BUFFER_STORE + "-changelog";
            if (existing.contains(changelog)) {
                ensureMessageSize(admin, changelog, config.maxBufferRecordBytes());
            }
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                LOG.info("Created topics {}", missing.stream().map(NewTopic::name).toList());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new CaptioningAppException(
                    "cannot create topics on " + config.bootstrapServers(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CaptioningAppException("interrupted while creating topics", e);
        }
    }

    /** The images topic as the app creates it: the configured partitions and message size. */
    private static NewTopic imagesTopic(StreamsAppConfig config, Topic<String, ?> images) {
        Map<String, String> configs = new HashMap<>(images.configs());
        if (config.imagesMaxMessageBytes() > 0) {
            configs.put(
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                    String.valueOf(config.imagesMaxMessageBytes()));
        }
        return new NewTopic(images.name(), Optional.of(config.imagesPartitions()), Optional.empty())
                .configs(configs);
    }

    /**
     * Raises {@code max.message.bytes} of an existing buffer changelog (created by an earlier
     * release with the broker's 1 MiB) so the largest accepted image can be buffered.
     */
    private static void ensureMessageSize(Admin admin, String topic, int bytes)
            throws InterruptedException, ExecutionException, TimeoutException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config current =
                admin.describeConfigs(List.of(resource))
                        .all()
                        .get(30, TimeUnit.SECONDS)
                        .get(resource);
        ConfigEntry entry = current.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        if (entry != null && entry.value() != null && Long.parseLong(entry.value()) >= bytes) {
            return;
        }
        admin.incrementalAlterConfigs(
                        Map.of(
                                resource,
                                List.of(
                                        new AlterConfigOp(
                                                new ConfigEntry(
                                                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                                                        String.valueOf(bytes)),
                                                AlterConfigOp.OpType.SET))))
                .all()
                .get(30, TimeUnit.SECONDS);
        LOG.info("Raised {} of {} to {} bytes", TopicConfig.MAX_MESSAGE_BYTES_CONFIG, topic, bytes);
    }
}

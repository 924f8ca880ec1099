package io.captioner.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.captioner.events.CaptionEvent;
import io.captioner.events.ModelTopicRecord;
import io.captioner.schemas.registry.InMemorySchemaRegistryClient;
import io.captioner.schemas.serde.SpecificAvroSerde;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

class TopicsTest {

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final Topics topics = Topics.create(Map.of(), registry);

    @Test
    void shouldNameEveryTopicWithStringKeysAndAvroValues() {
        assertThat(topics.all())
                .extracting(Topic::name)
                .containsExactly(
                        "images",
                        "captions",
                        "captions-dlq",
                        "labeled-pairs",
                        "models",
                        "training-runs",
                        "training-control");
        assertThat(topics.all())
                .allSatisfy(
                        topic -> {
                            assertThat(topic.keySerde().getClass())
                                    .isEqualTo(Serdes.String().getClass());
                            assertThat(topic.valueSerde()).isInstanceOf(SpecificAvroSerde.class);
                        });
    }

    @Test
    void shouldMakeModelsSingleCompactedPartitionAndOthersDeletable() {
        // when
        NewTopic models = topics.models().newTopic();
        NewTopic images = topics.images().newTopic(Optional.of((short) 1));

        // then
        assertThat(models.numPartitions()).isEqualTo(1);
        assertThat(models.configs())
                .containsEntry(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        assertThat(images.replicationFactor()).isEqualTo((short) 1);
        assertThat(images.configs())
                .containsEntry(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        assertThat(topics.captionsDlq().partitions()).isEqualTo(1);
    }

    @Test
    void shouldCompactTheDatasetOfRecordAndTheTrainingTopics() {
        // when
        NewTopic pairs = topics.labeledPairs().newTopic();
        NewTopic runs = topics.trainingRuns().newTopic();
        NewTopic control = topics.trainingControl().newTopic();

        // then
        assertThat(List.of(pairs, runs, control))
                .allSatisfy(
                        t ->
                                assertThat(t.configs())
                                        .containsEntry(
                                                TopicConfig.CLEANUP_POLICY_CONFIG,
                                                TopicConfig.CLEANUP_POLICY_COMPACT));
        assertThat(runs.numPartitions()).isEqualTo(1);
        assertThat(control.numPartitions()).isEqualTo(1);
        assertThat(pairs.numPartitions()).isEqualTo(3);
    }

    @Test
    void shouldRoundTripThroughTopicSerdesUsingGivenRegistry() {
        // given
        Topic<String, CaptionEvent> captions = topics.captions();

        // when
        byte[] key = captions.keySerde().serializer().serialize(captions.name(), "img-1");
        byte[] value =
                captions.valueSerde().serializer().serialize(captions.name(), Fixtures.caption());

        // then
        assertThat(new String(key, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("img-1");
        assertThat(captions.valueSerde().deserializer().deserialize(captions.name(), value))
                .isEqualTo(Fixtures.caption());
        assertThat(registry.getAllSubjects()).containsExactly("captions-value");
    }

    @Test
    void shouldPrefixNamesAndSubjects() {
        // given
        Topics prefixed =
                Topics.builder()
                        .setSerdeConfig(Map.of())
                        .optClient(registry)
                        .optNamePrefix("t1.")
                        .build();
        Topic<String, ModelTopicRecord> models = prefixed.models();

        // when
        models.valueSerde()
                .serializer()
                .serialize(models.name(), Fixtures.envelope(Fixtures.activation()));

        // then
        assertThat(models.name()).isEqualTo("t1.models");
        assertThat(registry.getAllSubjects()).containsExactly("t1.models-value");
    }

    @Test
    void shouldConfigureSerdesFromMockUrl() {
        // given
        String scope = "topics-test-" + System.nanoTime();
        Topics fromConfig = Topics.create(Map.of("schema.registry.url", "mock://" + scope));

        // when
        fromConfig.images().valueSerde().serializer().serialize("images", Fixtures.uriImage());

        // then
        assertThat(
                        io.captioner.schemas.registry.SchemaRegistryClients.mockScope(scope)
                                .getAllSubjects())
                .containsExactly("images-value");
        io.captioner.schemas.registry.SchemaRegistryClients.dropMockScope(scope);
    }

    @Test
    void shouldRequireSerdeConfig() {
        assertThatThrownBy(() -> Topics.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("serdeConfig");
    }

    @Test
    void shouldValidateTopicComponents() {
        assertThatThrownBy(
                        () ->
                                new Topic<>(
                                        "x",
                                        Serdes.String(),
                                        Serdes.String(),
                                        0,
                                        TopicConfig.CLEANUP_POLICY_DELETE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("partitions");
    }
}

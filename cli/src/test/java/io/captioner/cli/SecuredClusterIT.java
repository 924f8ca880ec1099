package io.captioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.events.CaptionFailure;
import io.captioner.events.FailureReason;
import io.captioner.events.ImageEvent;
import io.captioner.model.data.Flickr8kLayout;
import io.captioner.model.data.SyntheticDataset;
import io.captioner.schemas.Fixtures;
import io.captioner.schemas.Topics;
import io.captioner.schemas.registry.SchemaRegistryClients;
import io.captioner.stack.EmbeddedKafka;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client commands against a broker that demands SASL/PLAIN authentication: {@code --config} reaches
 * every admin client, producer, consumer and transactional producer, or these fail.
 */
class SecuredClusterIT {

    private static final String REGISTRY = "mock://secured-cluster-it";
    private static final String ALICE =
            "org.apache.kafka.common.security.plain.PlainLoginModule required"
                    + " username=\"alice\" password=\"alice-secret\";";

    private static EmbeddedKafka kafka;

    @TempDir static Path dir;

    private static Path config;

    @BeforeAll
    static void startSecuredBroker() throws Exception {
        kafka =
                EmbeddedKafka.builder()
                        .optTemporary()
                        .optPort(0)
                        .optBrokerConfig(
                                "listener.security.protocol.map",
                                "PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT")
                        .optBrokerConfig("sasl.enabled.mechanisms", "PLAIN")
                        .optBrokerConfig("sasl.mechanism.inter.broker.protocol", "PLAIN")
                        .optBrokerConfig(
                                "listener.name.plaintext.plain.sasl.jaas.config",
                                "org.apache.kafka.common.security.plain.PlainLoginModule required"
                                        + " username=\"admin\" password=\"admin-secret\""
                                        + " user_admin=\"admin-secret\""
                                        + " user_alice=\"alice-secret\";")
                        .build();
        kafka.start();
        config =
                Files.writeString(
                        dir.resolve("client.properties"),
                        "bootstrap.servers="
                                + kafka.bootstrapServers()
                                + "\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n"
                                + "sasl.jaas.config="
                                + ALICE
                                + "\nschema.registry.url="
                                + REGISTRY
                                + "\n");
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        SchemaRegistryClients.dropMockScope(REGISTRY.substring("mock://".length()));
    }

    @Test
    void shouldImportPublishReadAndReplayThroughTheConfigFileOnly() throws Exception {
        // given a dataset and an image file
        Path data = dir.resolve("data");
        Flickr8kLayout.export(
                SyntheticDataset.builder().setSeed(8).setImages(2).build().generate(), data);
        Path image = data.resolve("Images/synthetic-8-00000.jpg");

        // when / then: import (admin client + producer)
        CliRun imported =
                CliRun.of("import", "flickr8k", data.toString(), "--config", config.toString());
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("published 2 pairs to labeled-pairs");

        // publish (producer)
        CliRun published = CliRun.of("publish", image.toString(), "--config", config.toString());
        assertThat(published.exitCode()).as(published.err()).isZero();

        // failures --replay (group consumer + transactional producer) and failures (consumer)
        Topics topics = Topics.create(Map.of("schema.registry.url", REGISTRY));
        ImageEvent event =
                ImageEvent.newBuilder(Fixtures.inlineImage()).setImageId("img-s").build();
        byte[] original = topics.images().valueSerde().serializer().serialize("images", event);
        try (KafkaProducer<String, CaptionFailure> producer =
                new KafkaProducer<>(
                        clientProperties(),
                        topics.captionsDlq().keySerde().serializer(),
                        topics.captionsDlq().valueSerde().serializer())) {
            producer.send(
                            new ProducerRecord<>(
                                    "captions-dlq",
                                    "img-s",
                                    CaptionFailure.newBuilder(Fixtures.failure())
                                            .setImageId("img-s")
                                            .setReason(FailureReason.MODEL_ERROR)
                                            .setOriginalKey(
                                                    ByteBuffer.wrap(
                                                            "img-s"
                                                                    .getBytes(
                                                                            StandardCharsets
                                                                                    .UTF_8)))
                                            .setOriginalValue(ByteBuffer.wrap(original))
                                            .build()))
                    .get();
        }
        CliRun listed = CliRun.of("failures", "--from-beginning", "--config", config.toString());
        assertThat(listed.exitCode()).as(listed.err()).isZero();
        assertThat(listed.outLines()).singleElement().asString().startsWith("img-s\tMODEL_ERROR");
        CliRun replayed = CliRun.of("failures", "--replay", "--config", config.toString());
        assertThat(replayed.exitCode()).as(replayed.err()).isZero();
        assertThat(replayed.outLines()).singleElement().asString().startsWith("img-s\t");
        assertThat(imagesKeys()).containsExactlyInAnyOrder(keyOf(image), "img-s");
    }

    private static String keyOf(Path image) throws Exception {
        return ImageFile.inspect(image).id();
    }

    private static List<String> imagesKeys() {
        return TopicRecords.readAll(
                        clientProperties(),
                        "images",
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())
                .stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8))
                .toList();
    }

    private static Properties clientProperties() {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("security.protocol", "SASL_PLAINTEXT");
        props.put("sasl.mechanism", "PLAIN");
        props.put("sasl.jaas.config", ALICE);
        Properties p = new Properties();
        p.putAll(props);
        return p;
    }
}

package io.captioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.captioner.events.ImageEvent;
import io.captioner.schemas.Topic;
import io.captioner.schemas.Topics;
import io.captioner.stack.LocalStack;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code captioner publish} against a real embedded broker and registry. */
class PublishCommandIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalStack stack;

    @TempDir Path dir;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.builder().optTemporary().optKafkaPort(0).optRegistryPort(0).build();
        stack.start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldPublishEveryImageOfADirectoryInPathOrderAndSkipOtherFiles() throws Exception {
        Topic<String, ImageEvent> images = createTopics("dir.").images();
        Path photos = Files.createDirectories(dir.resolve("photos"));
        Path b = writeImage(photos.resolve("b.png"), "png", Color.RED);
        Path a =
                writeImage(
                        Files.createDirectories(photos.resolve("a")).resolve("z.jpg"),
                        "jpg",
                        Color.BLUE);
        Path c = writeImage(photos.resolve("c.gif"), "gif", Color.GREEN);
        Path notes = Files.writeString(photos.resolve("notes.txt"), "not an image");

        CliRun run = publish("dir.", "--json", photos.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<JsonNode> printed = parse(run.outLines());
        assertThat(printed)
                .extracting(n -> n.get("path").asText())
                .containsExactly(a.toString(), b.toString(), c.toString());
        assertThat(printed)
                .extracting(n -> n.get("content_type").asText())
                .containsExactly("image/jpeg", "image/png", "image/gif");
        assertThat(run.err()).contains("skipping " + notes).contains("not an image");

        List<ConsumerRecord<String, ImageEvent>> records = consume(images, 3);
        assertThat(records)
                .extracting(ConsumerRecord::key)
                .containsExactlyInAnyOrderElementsOf(
                        printed.stream()
                                .map(n -> n.get("id").asText())
                                .collect(Collectors.toList()));
        for (ConsumerRecord<String, ImageEvent> record : records) {
            ImageEvent event = record.value();
            JsonNode line =
                    printed.stream()
                            .filter(n -> n.get("id").asText().equals(record.key()))
                            .findFirst()
                            .orElseThrow();
            assertThat(event.getImageId()).isEqualTo(record.key());
            assertThat(event.getImageUri()).isNull();
            assertThat(bytes(event.getImageBytes()))
                    .isEqualTo(Files.readAllBytes(Path.of(line.get("path").asText())));
            assertThat(event.getContentType()).isEqualTo(line.get("content_type").asText());
            assertThat(record.partition()).isEqualTo(line.get("partition").asInt());
            assertThat(record.offset()).isEqualTo(line.get("offset").asLong());
        }
    }

    @Test
    void shouldPrintIdsAndACountForHumans() throws Exception {
        createTopics("human.");
        Path one = writeImage(dir.resolve("one.png"), "png", Color.RED);
        Path two = writeImage(dir.resolve("two.bmp"), "bmp", Color.BLUE);

        CliRun run = publish("human.", one.toString(), two.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).hasSize(3);
        assertThat(run.outLines().get(0))
                .matches("one\\.png-[0-9a-f]{12}\t" + Pattern.quote(one.toString()));
        assertThat(run.outLines().get(1))
                .matches("two\\.bmp-[0-9a-f]{12}\t" + Pattern.quote(two.toString()));
        assertThat(run.outLines().get(2)).isEqualTo("published 2 images to human.images");
    }

    @Test
    void shouldPublishAbsoluteFileUrisWithByUri() throws Exception {
        Topic<String, ImageEvent> images = createTopics("uri.").images();
        Path image = writeImage(dir.resolve("photo.jpg"), "jpg", Color.ORANGE);

        CliRun run = publish("uri.", "--by-uri", "--json", image.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode line = parse(run.outLines()).get(0);
        ConsumerRecord<String, ImageEvent> record = consume(images, 1).get(0);
        assertThat(record.key()).isEqualTo(line.get("id").asText());
        assertThat(record.value().getImageBytes()).isNull();
        assertThat(record.value().getImageUri())
                .isEqualTo(image.toAbsolutePath().toUri().toString())
                .isEqualTo(line.get("uri").asText())
                .startsWith("file:/");
        assertThat(Path.of(java.net.URI.create(record.value().getImageUri())))
                .hasSameBinaryContentAs(image);
    }

    @Test
    void shouldRefuseAnOversizedInlineFileAndPublishNothingButAcceptItByUri() throws Exception {
        Topic<String, ImageEvent> images = createTopics("big.").images();
        Path small = writeImage(dir.resolve("small.png"), "png", Color.RED);
        byte[] big = new byte[Topics.MAX_INLINE_IMAGE_BYTES + 1];
        System.arraycopy(Files.readAllBytes(small), 0, big, 0, 16);
        Path large = Files.write(dir.resolve("large.png"), big);

        CliRun refused = publish("big.", dir.toString());

        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains(large.toString()).contains("--by-uri");
        assertThat(refused.out()).isEmpty();
        assertThat(endOffsetSum(images)).isZero();

        CliRun byUri = publish("big.", "--by-uri", dir.toString());

        assertThat(byUri.exitCode()).as(byUri.err()).isZero();
        assertThat(byUri.outLines()).last().isEqualTo("published 2 images to big.images");
        assertThat(endOffsetSum(images)).isEqualTo(2);
    }

    @Test
    void shouldFailWithAClearMessageForAMissingPath() {
        CliRun run = publish("missing.", dir.resolve("nope").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("nope: no such file or directory");
    }

    @Test
    void shouldExitNonZeroWhenTheRegistryIsUnreachable() throws Exception {
        createTopics("noreg.");
        Path image = writeImage(dir.resolve("one.png"), "png", Color.RED);

        CliRun run =
                CliRun.of(
                        "publish",
                        "--bootstrap",
                        stack.bootstrapServers(),
                        "--registry",
                        "http://127.0.0.1:1",
                        "--topic-prefix",
                        "noreg.",
                        image.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .contains(image.toString())
                .contains("1 of 1 images were not published");
        assertThat(run.out()).contains("published 0 images");
    }

    private static CliRun publish(String prefix, String... args) {
        List<String> all =
                new ArrayList<>(
                        List.of(
                                "publish",
                                "--bootstrap",
                                stack.bootstrapServers(),
                                "--registry",
                                stack.registryUrl(),
                                "--topic-prefix",
                                prefix));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    private static Topics createTopics(String prefix) throws Exception {
        Topics topics =
                Topics.builder()
                        .setSerdeConfig(Map.of("schema.registry.url", stack.registryUrl()))
                        .optNamePrefix(prefix)
                        .build();
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                stack.bootstrapServers()))) {
            admin.createTopics(List.of(topics.images().newTopic())).all().get();
        }
        return topics;
    }

    private static Path writeImage(Path file, String format, Color color) throws Exception {
        BufferedImage image = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 8; x++) {
            for (int y = 0; y < 6; y++) {
                image.setRGB(x, y, x < 4 ? color.getRGB() : Color.WHITE.getRGB());
            }
        }
        assertThat(ImageIO.write(image, format, file.toFile())).as("writer for " + format).isTrue();
        return file;
    }

    private static List<JsonNode> parse(List<String> lines) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : lines) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    private static List<ConsumerRecord<String, ImageEvent>> consume(
            Topic<String, ImageEvent> topic, int expected) {
        List<ConsumerRecord<String, ImageEvent>> records = new ArrayList<>();
        try (KafkaConsumer<String, ImageEvent> consumer =
                new KafkaConsumer<>(
                        consumerConfig(),
                        topic.keySerde().deserializer(),
                        topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = partitions(consumer, topic.name());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // Nothing beyond the expected records may have been published.
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        assertThat(records).hasSize(expected);
        return records;
    }

    private static long endOffsetSum(Topic<String, ImageEvent> topic) {
        try (KafkaConsumer<String, ImageEvent> consumer =
                new KafkaConsumer<>(
                        consumerConfig(),
                        topic.keySerde().deserializer(),
                        topic.valueSerde().deserializer())) {
            return consumer.endOffsets(partitions(consumer, topic.name())).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        return consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .collect(Collectors.toList());
    }

    private static Properties consumerConfig() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return props;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] copy = new byte[buffer.remaining()];
        buffer.duplicate().get(copy);
        return copy;
    }
}

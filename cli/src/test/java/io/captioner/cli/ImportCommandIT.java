package io.captioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.captioner.events.LabeledPair;
import io.captioner.events.SplitHint;
import io.captioner.model.data.CaptionedImage;
import io.captioner.model.data.Flickr8kLayout;
import io.captioner.model.data.SyntheticDataset;
import io.captioner.schemas.Topic;
import io.captioner.schemas.Topics;
import io.captioner.stack.LocalStack;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code captioner import} against a real embedded stack, reading the pairs back. */
class ImportCommandIT {

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
    void shouldPublishAFlickr8kDirectoryAndCountWhatItSkippedByReason() throws Exception {
        // given the layout 'dataset synthetic' writes, plus a missing, a broken, an uncaptioned
        // and an oversized image
        List<CaptionedImage> synthetic =
                SyntheticDataset.builder().setSeed(5).setImages(3).build().generate();
        Path data = dir.resolve("flickr8k");
        Flickr8kLayout.export(synthetic, data);
        Files.writeString(data.resolve("Images/broken.jpg"), "not a jpeg");
        writeNoisePng(data.resolve("Images/huge.png"));
        Files.copy(data.resolve("Images/synthetic-5-00001.jpg"), data.resolve("Images/long.jpg"));
        String overLong = "x".repeat(1200);
        Files.writeString(
                data.resolve("captions.txt"),
                "broken.jpg,a broken image\n"
                        + "gone.jpg,a missing image\n"
                        + "huge.png,a noisy picture\n"
                        + "long.jpg,"
                        + overLong
                        + "\n"
                        + "synthetic-5-00000.jpg,"
                        + overLong
                        + "\n",
                StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);

        // when
        CliRun run = importCommand("f8k.", "flickr8k", data.toString());

        // then three pairs, four skips with reasons, the over-long caption left out
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains(
                        "published 3 pairs to f8k.labeled-pairs, skipped 4: 1 missing image file, 1"
                                + " undecodable image, 1 no usable caption (empty or over-long), 1"
                                + " oversized for the topic")
                .contains("left out 1 empty or over-long caption of published pairs");
        assertThat(run.err())
                .contains("import: skipped gone.jpg: missing image file")
                .contains("import: skipped broken.jpg: undecodable image")
                .contains("import: skipped huge.png: oversized for the topic")
                .contains("import: skipped long.jpg: no usable caption")
                .doesNotContain("\u001b[");
        Map<String, LabeledPair> pairs = readPairs(topics("f8k.").labeledPairs());
        assertThat(pairs.keySet())
                .containsExactly(
                        "synthetic-5-00000.jpg", "synthetic-5-00001.jpg", "synthetic-5-00002.jpg");
        LabeledPair first = pairs.get("synthetic-5-00000.jpg");
        assertThat(first.getImageId()).isEqualTo("synthetic-5-00000.jpg");
        assertThat(bytes(first.getImageBytes()))
                .isEqualTo(Files.readAllBytes(data.resolve("Images/synthetic-5-00000.jpg")));
        assertThat(first.getContentType()).isEqualTo("image/jpeg");
        assertThat(first.getReferences()).isEqualTo(synthetic.get(0).captions());
        assertThat(first.getSourceDataset()).isEqualTo("flickr8k");
        assertThat(first.getSplit()).isNull();
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                stack.bootstrapServers()))) {
            TopicDescription created =
                    admin.describeTopics(List.of("f8k.labeled-pairs"))
                            .allTopicNames()
                            .get()
                            .get("f8k.labeled-pairs");
            assertThat(created.partitions())
                    .as("created with the recommended layout, not broker defaults")
                    .hasSize(topics("f8k.").labeledPairs().partitions());
        }
    }

    @Test
    void shouldPublishKarpathySplitsAsSplitHintsByUri() throws Exception {
        // given
        Path images = dir.resolve("images");
        List<CaptionedImage> synthetic =
                SyntheticDataset.builder().setSeed(6).setImages(3).build().generate();
        Flickr8kLayout.export(synthetic, images);
        String[] splits = {"restval", "val", "test"};
        StringBuilder json = new StringBuilder("{\"dataset\":\"synthetic\",\"images\":[");
        for (int i = 0; i < 3; i++) {
            json.append(i == 0 ? "" : ",")
                    .append("{\"filepath\":\"Images\",\"filename\":\"")
                    .append(synthetic.get(i).id())
                    .append(".jpg\",\"split\":\"")
                    .append(splits[i])
                    .append("\",\"sentences\":[{\"raw\":\"")
                    .append(synthetic.get(i).captions().get(0))
                    .append("\"}]}");
        }
        Path splitFile = Files.writeString(dir.resolve("dataset_synthetic.json"), json + "]}");

        // when
        CliRun run =
                importCommand(
                        "kp.",
                        "karpathy",
                        splitFile.toString(),
                        images.toString(),
                        "--by-uri",
                        "--json");

        // then
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode summary = JSON.readTree(run.outLines().get(run.outLines().size() - 1));
        assertThat(summary.get("published").asLong()).isEqualTo(3);
        assertThat(summary.get("dataset").asText()).isEqualTo("synthetic");
        Map<String, LabeledPair> pairs = readPairs(topics("kp.").labeledPairs());
        assertThat(pairs.values())
                .extracting(LabeledPair::getSplit)
                .containsExactly(SplitHint.TRAIN, SplitHint.VALIDATION, SplitHint.TEST);
        LabeledPair first = pairs.get(synthetic.get(0).id() + ".jpg");
        assertThat(first.getImageBytes()).isNull();
        assertThat(first.getImageUri())
                .isEqualTo(
                        images.resolve("Images")
                                .resolve(synthetic.get(0).id() + ".jpg")
                                .toAbsolutePath()
                                .toUri()
                                .toString());
        assertThat(first.getSourceDataset()).isEqualTo("synthetic");
    }

    @Test
    void shouldExitNonZeroWhenNothingCouldBePublished() throws Exception {
        // given a captions file whose images are all missing
        Path data = dir.resolve("empty");
        Files.createDirectories(data.resolve("Images"));
        Files.writeString(data.resolve("captions.txt"), "image,caption\na.jpg,a dog\n");

        // when
        CliRun run = importCommand("none.", "flickr8k", data.toString());

        // then
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("published 0 pairs to none.labeled-pairs, skipped 1");
        assertThat(run.err()).contains("import: nothing was published");
    }

    private static CliRun importCommand(String prefix, String... args) {
        List<String> all = new ArrayList<>(List.of("import"));
        all.addAll(List.of(args));
        all.addAll(
                List.of(
                        "--bootstrap", stack.bootstrapServers(),
                        "--registry", stack.registryUrl(),
                        "--topic-prefix", prefix));
        return CliRun.of(all.toArray(String[]::new));
    }

    private static Topics topics(String prefix) {
        return Topics.builder()
                .setSerdeConfig(Map.of("schema.registry.url", stack.registryUrl()))
                .optNamePrefix(prefix)
                .build();
    }

    /** Every pair on the topic by key, in key order. */
    private static Map<String, LabeledPair> readPairs(Topic<String, LabeledPair> topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        Map<String, LabeledPair> pairs = new TreeMap<>();
        for (ConsumerRecord<String, LabeledPair> record :
                TopicRecords.readAll(
                        props,
                        topic.name(),
                        topic.keySerde().deserializer(),
                        topic.valueSerde().deserializer())) {
            pairs.put(record.key(), record.value());
        }
        return new LinkedHashMap<>(pairs);
    }

    private static void writeNoisePng(Path file) throws Exception {
        BufferedImage noise = new BufferedImage(720, 520, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(1);
        for (int y = 0; y < noise.getHeight(); y++) {
            for (int x = 0; x < noise.getWidth(); x++) {
                noise.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        ImageIO.write(noise, "png", file.toFile());
        assertThat(Files.size(file)).isGreaterThan(Topics.MAX_INLINE_IMAGE_BYTES);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] copy = new byte[buffer.remaining()];
        buffer.duplicate().get(copy);
        return copy;
    }
}

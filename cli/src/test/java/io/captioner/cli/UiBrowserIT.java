package io.captioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.captioner.events.ImageEvent;
import io.captioner.model.Captioner;
import io.captioner.model.artifact.ModelArtifact;
import io.captioner.model.image.ImagePreprocessor;
import io.captioner.model.nn.Architecture;
import io.captioner.model.nn.Backbones;
import io.captioner.model.nn.CaptionNet;
import io.captioner.model.nn.EncoderType;
import io.captioner.model.nn.TinyCnn;
import io.captioner.model.text.Vocabulary;
import io.captioner.schemas.Topics;
import io.captioner.schemas.serde.AvroSerdeConfig;
import io.captioner.stack.LocalStack;
import io.captioner.streams.CaptioningApp;
import io.captioner.streams.config.StreamsAppConfig;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The live page in a real browser: an embedded stack, a model published and activated on the models
 * topic, the streams app serving it, {@code captioner ui}, and headless Chromium watching images
 * published afterwards turn into captions (and a broken one into a dead letter) on the page.
 */
class UiBrowserIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern URL = Pattern.compile("UI (http://\\S+)");
    private static final String MODEL = "ui-tiny";

    @TempDir Path dir;

    @Test
    void shouldShowCaptionsThumbnailsActiveVersionAndDeadLettersInABrowser() throws Exception {
        BrowserCheck.assumeReady();
        ExecutorService background = Executors.newSingleThreadExecutor();
        try (LocalStack stack =
                LocalStack.builder().optTemporary().optKafkaPort(0).optRegistryPort(0).build()) {
            stack.start();
            // given a model activated on the topic and the app serving it
            Path model = saveTinyModel(dir.resolve("ui-tiny.zip"));
            CliRun published =
                    CliRun.of(
                            "models",
                            "publish",
                            model.toString(),
                            "--activate",
                            "--bootstrap",
                            stack.bootstrapServers(),
                            "--registry",
                            stack.registryUrl());
            assertThat(published.exitCode()).as(published.err()).isZero();
            Matcher version =
                    Pattern.compile("published " + MODEL + " (\\S+) ").matcher(published.out());
            assertThat(version.find()).as(published.out()).isTrue();
            String activeVersion = version.group(1);
            StreamsAppConfig config = appConfig(stack);
            CaptioningApp.createTopics(config);
            try (CaptioningApp app = CaptioningApp.start(config)) {
                assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
                // and the live page following the cluster
                UiCommand ui = new UiCommand();
                StringWriter out = new StringWriter();
                CommandLine cl = new CommandLine(ui);
                cl.setOut(new PrintWriter(out, true));
                cl.setErr(new PrintWriter(new StringWriter(), true));
                Future<Integer> exit =
                        background.submit(
                                () ->
                                        cl.execute(
                                                "--bootstrap",
                                                stack.bootstrapServers(),
                                                "--registry",
                                                stack.registryUrl(),
                                                "--http-port",
                                                "0"));
                String url = awaitUrl(out, exit);

                // when images are published, one of them broken
                List<String> good = List.of("ui-img-0", "ui-img-1", "ui-img-2", "ui-img-3");
                publish(stack, config, good, "ui-broken");

                // then the browser shows each caption with its thumbnail and version, the active
                // version, and the dead letter with its reason
                JsonNode page =
                        BrowserCheck.awaitPage(
                                url, Duration.ofSeconds(90), good, List.of("ui-broken"));
                assertThat(page.get("pageErrors")).isEmpty();
                assertThat(page.get("status").asText()).isEqualTo("live");
                List<String> shown = new ArrayList<>();
                for (JsonNode c : page.get("captions")) {
                    shown.add(c.get("id").asText());
                    assertThat(c.get("text").asText()).isNotBlank();
                    assertThat(c.get("meta").asText())
                            .contains(MODEL + " " + activeVersion)
                            .containsPattern("\\d+ ms");
                    assertThat(c.get("thumbnailWidth").asInt()).isPositive();
                }
                assertThat(shown).containsExactlyInAnyOrderElementsOf(good);
                assertThat(page.get("active")).hasSize(1);
                assertThat(page.get("active").get(0).get("model").asText()).isEqualTo(MODEL);
                assertThat(page.get("active").get(0).get("version").asText())
                        .isEqualTo(activeVersion);
                assertThat(page.get("failures")).hasSize(1);
                assertThat(page.get("failures").get(0).asText()).contains("ui-broken");
                assertThat(page.get("failures").get(0).asText()).containsPattern("^[A-Z_]+ ");

                ui.stop();
                assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
            }
        } finally {
            background.shutdownNow();
        }
    }

    private StreamsAppConfig appConfig(LocalStack stack) {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsAppConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers());
        props.put(StreamsAppConfig.SCHEMA_REGISTRY_URL, stack.registryUrl());
        props.put(StreamsAppConfig.APPLICATION_ID, "ui-it-app");
        props.put(StreamsAppConfig.NUM_STREAM_THREADS, 1);
        props.put(StreamsAppConfig.DATA_DIR, dir.resolve("app-data").toString());
        props.put(StreamsAppConfig.MODEL_NAME, MODEL);
        props.put(StreamsAppConfig.HTTP_PORT, 0);
        props.put(StreamsAppConfig.HTTP_BIND_ADDRESS, "127.0.0.1");
        props.put(StreamsAppConfig.BATCH_MAX_SIZE, 4);
        props.put(StreamsAppConfig.BATCH_MAX_WAIT_MS, 200);
        return StreamsAppConfig.of(props);
    }

    private static String awaitUrl(StringWriter out, Future<Integer> exit) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Matcher m = URL.matcher(out.toString());
            if (m.find()) {
                return m.group(1);
            }
            if (exit.isDone()) {
                throw new AssertionError("captioner ui exited with " + exit.get() + ": " + out);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("captioner ui printed no URL: " + out);
    }

    private static void publish(
            LocalStack stack, StreamsAppConfig config, List<String> good, String broken)
            throws Exception {
        Topics topics =
                Topics.builder()
                        .setSerdeConfig(
                                Map.of(
                                        AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG,
                                        stack.registryUrl()))
                        .build();
        Map<String, Object> props =
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            List<ImageEvent> events = new ArrayList<>();
            for (int i = 0; i < good.size(); i++) {
                events.add(image(good.get(i), png(i)));
            }
            events.add(image(broken, "not an image at all".getBytes()));
            for (ImageEvent event : events) {
                byte[] value =
                        topics.images()
                                .valueSerde()
                                .serializer()
                                .serialize(topics.images().name(), event);
                producer.send(
                                new ProducerRecord<>(
                                        topics.images().name(), event.getImageId(), value))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static ImageEvent image(String id, byte[] bytes) {
        return ImageEvent.newBuilder()
                .setImageId(id)
                .setImageBytes(ByteBuffer.wrap(bytes))
                .setContentType("image/png")
                .setEventTime(Instant.now())
                .build();
    }

    /** A 64x64 PNG with a coloured square, different per {@code seed}. */
    private static byte[] png(int seed) throws Exception {
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(30 * seed % 255, 200, 90));
        g.fillRect(0, 0, 64, 64);
        g.setColor(Color.BLUE);
        g.fillRect(8 + seed * 4, 8, 24, 24);
        g.dispose();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(image, "png", bytes);
        return bytes.toByteArray();
    }

    /** An untrained tiny-cnn captioner with small layers: its captions are noise, but real ones. */
    private static Path saveTinyModel(Path path) throws Exception {
        Engine.getEngine("PyTorch").setRandomSeed(11);
        List<String> words = new ArrayList<>(List.of("<pad>", "<start>", "<end>", "<unk>"));
        for (int i = 0; i < 5; i++) {
            words.add("w" + i);
        }
        Vocabulary vocabulary = Vocabulary.fromWords(words);
        Architecture architecture =
                Architecture.of(EncoderType.TINY_CNN, Backbones.DJL, 8, 16, 1, vocabulary.size());
        Model model = Model.newInstance(MODEL, Device.cpu(), "PyTorch");
        CaptionNet net = new CaptionNet(architecture, TinyCnn.build());
        model.setBlock(net);
        net.initialize(model.getNDManager(), DataType.FLOAT32, net.trainingInputShapes(2, 2, 4));
        ImagePreprocessor p = ImagePreprocessor.imagenet(architecture.inputSize());
        io.captioner.model.artifact.ModelManifest manifest =
                new io.captioner.model.artifact.ModelManifest(
                        ModelArtifact.FORMAT_VERSION,
                        MODEL,
                        null,
                        null,
                        architecture,
                        new io.captioner.model.artifact.ModelManifest.Preprocessing(
                                p.size(), p.mean(), p.std()),
                        vocabulary.words(),
                        null,
                        Map.of("BLEU_4", 0.25),
                        null);
        try (Captioner captioner = Captioner.of(model, manifest)) {
            captioner.save(path);
        }
        return path;
    }
}

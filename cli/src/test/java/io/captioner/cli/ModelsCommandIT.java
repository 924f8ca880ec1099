package io.captioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.captioner.events.ModelManifest;
import io.captioner.events.ModelTopicRecord;
import io.captioner.model.Captioner;
import io.captioner.model.artifact.ModelArtifact;
import io.captioner.model.image.ImagePreprocessor;
import io.captioner.model.nn.Architecture;
import io.captioner.model.nn.Backbones;
import io.captioner.model.nn.CaptionNet;
import io.captioner.model.nn.EncoderType;
import io.captioner.model.nn.TinyCnn;
import io.captioner.model.text.Vocabulary;
import io.captioner.modeltopic.ChunkStorage;
import io.captioner.modeltopic.ModelCatalog;
import io.captioner.modeltopic.ModelSigning;
import io.captioner.modeltopic.ModelTopicReader;
import io.captioner.modeltopic.TrustedKeys;
import io.captioner.modeltopic.VerifiedArtifact;
import io.captioner.release.CaptionerArtifacts;
import io.captioner.schemas.ModelTopicKeys;
import io.captioner.schemas.Topic;
import io.captioner.schemas.Topics;
import io.captioner.schemas.serde.AvroSerdeConfig;
import io.captioner.stack.LocalStack;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code captioner models} against a real embedded broker and registry, with tiny untrained models
 * saved as real artifacts. Every test uses its own topic prefix, so tests do not see each other's
 * models.
 */
class ModelsCommandIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path dir;

    private static LocalStack stack;
    private static Path first;
    private static Path second;
    private static Path otherModel;
    private static String firstVersion;
    private static String secondVersion;

    @BeforeAll
    static void startStackAndSaveModels() throws IOException {
        stack = LocalStack.builder().optTemporary().optKafkaPort(0).optRegistryPort(0).build();
        stack.start();
        first = save("captioner", 1, Map.of("BLEU_4", 0.125), "first.captioner");
        second = save("captioner", 2, Map.of("BLEU_4", 0.25), "second.captioner");
        otherModel = save("other", 3, Map.of(), "other.captioner");
        firstVersion = ModelArtifact.readManifest(first).version();
        secondVersion = ModelArtifact.readManifest(second).version();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldPublishSignedActivateListRollBackAndShowVersions() throws Exception {
        Path keys = dir.resolve("keys");
        CliRun keygen = CliRun.of("models", "keygen", keys.toString());
        assertThat(keygen.exitCode()).as(keygen.err()).isZero();
        String keyId = ModelSigning.loadKeys(keys).keyId();
        assertThat(keygen.out()).contains("key id: " + keyId);

        CliRun published =
                models(
                        "flow.",
                        "publish",
                        first.toString(),
                        "--activate",
                        "--sign",
                        keys.toString());
        assertThat(published.exitCode()).as(published.err()).isZero();
        assertThat(published.outLines().get(0))
                .startsWith("published captioner " + firstVersion + " (")
                .contains("signed by key " + keyId);
        assertThat(published.outLines().get(1)).isEqualTo("activated: yes (previous: none)");

        List<JsonNode> listed = json(models("flow.", "list", "--json"));
        assertThat(listed).hasSize(1);
        JsonNode only = listed.get(0);
        assertThat(only.get("version").asText()).isEqualTo(firstVersion);
        assertThat(only.get("active").asBoolean()).isTrue();
        assertThat(only.get("complete").asBoolean()).isTrue();
        assertThat(only.get("size_bytes").asLong()).isEqualTo(Files.size(first));
        assertThat(only.get("signature_key_id").asText()).isEqualTo(keyId);
        assertThat(only.get("metrics").get("BLEU_4").asDouble()).isEqualTo(0.125);
        assertThat(only.get("architecture").get("embed_size").asInt()).isEqualTo(8);
        assertThat(only.get("artifact_format").asText())
                .isEqualTo(CaptionerArtifacts.ARTIFACT_FORMAT);

        // The private key file with public.pem beside it signs just like the directory.
        CliRun publishedSecond =
                models(
                        "flow.",
                        "publish",
                        second.toString(),
                        "--sign",
                        keys.resolve(ModelSigning.PRIVATE_KEY_FILE).toString(),
                        "--parent",
                        firstVersion);
        assertThat(publishedSecond.exitCode()).as(publishedSecond.err()).isZero();
        assertThat(publishedSecond.outLines().get(1)).startsWith("activated: no");
        assertThat(activeVersions("flow.")).containsExactly(firstVersion);

        CliRun activated = models("flow.", "activate", secondVersion);
        assertThat(activated.exitCode()).as(activated.err()).isZero();
        // An unsigned activation of a signed version: instances with trusted keys refuse it.
        assertThat(activated.err())
                .contains("warning: version " + secondVersion + " is signed")
                .contains("use --sign");
        // Signed, it is what instances with trusted keys follow (the publisher's own view too).
        CliRun signedActivation =
                models("flow.", "activate", secondVersion, "--sign", keys.toString());
        assertThat(signedActivation.exitCode()).as(signedActivation.err()).isZero();
        assertThat(signedActivation.err()).doesNotContain("warning");
        assertThat(activated.out().trim())
                .isEqualTo(
                        "activated captioner "
                                + secondVersion
                                + " (previous: "
                                + firstVersion
                                + ")");
        assertThat(activeVersions("flow.")).containsExactly(secondVersion);

        CliRun human = models("flow.", "list");
        assertThat(human.exitCode()).as(human.err()).isZero();
        assertThat(human.outLines()).hasSize(3);
        assertThat(human.outLines().get(0)).startsWith("MODEL").contains("VERSION", "ACTIVE");
        assertThat(human.outLines().get(2)).contains(secondVersion, "*", "BLEU_4=0.2500", keyId);

        CliRun rolledBack = models("flow.", "rollback", "--sign", keys.toString());
        assertThat(rolledBack.exitCode()).as(rolledBack.err()).isZero();
        assertThat(rolledBack.out().trim())
                .isEqualTo("rolled back captioner from " + secondVersion + " to " + firstVersion);
        assertThat(activeVersions("flow.")).containsExactly(firstVersion);

        CliRun shown = models("flow.", "show", secondVersion);
        assertThat(shown.exitCode()).as(shown.err()).isZero();
        assertThat(shown.out())
                .contains("version:")
                .contains(secondVersion)
                .containsPattern("active: +no")
                .containsPattern("complete: +yes")
                .containsPattern("parent version: +" + firstVersion)
                .contains("key id " + keyId)
                .contains("encoder tiny-cnn, embed 8, hidden 16, layers 1")
                .contains(ModelArtifact.readManifest(second).metrics().keySet().iterator().next());
        JsonNode shownJson = json(models("flow.", "show", firstVersion, "--json")).get(0);
        assertThat(shownJson.get("active").asBoolean()).isTrue();
        assertThat(shownJson.get("activation_reason").asText()).startsWith("rollback from");
        assertThat(shownJson.get("sha256").asText()).hasSize(64);

        // What a serving instance would load: the verified, signed artifact with the same version.
        try (ModelCatalog catalog =
                ModelTopicReader.builder()
                        .setBootstrapServers(stack.bootstrapServers())
                        .setTopics(topics("flow."))
                        .optTrustedKeys(
                                TrustedKeys.of(
                                        ModelSigning.readPublicKey(
                                                keys.resolve(ModelSigning.PUBLIC_KEY_FILE))))
                        .optChunkStorage(ChunkStorage.MEMORY)
                        .optWorkDirectory(dir.resolve("work"))
                        .build()
                        .readToEnd()) {
            // The signed rollback (activation 4) is in force; the unsigned activation 2 never was.
            assertThat(catalog.activation("captioner").orElseThrow().getSequence()).isEqualTo(4);
            assertThat(catalog.activationHistory("captioner"))
                    .extracting(a -> a.getSequence())
                    .containsExactly(1L, 3L, 4L);
            assertThat(catalog.activation("captioner").orElseThrow().getSignatureKeyId())
                    .isEqualTo(keyId);
            VerifiedArtifact artifact = catalog.assemble("captioner", firstVersion).orElseThrow();
            assertThat(Files.readAllBytes(artifact.path())).isEqualTo(Files.readAllBytes(first));
            try (Captioner loaded = Captioner.load(artifact.path())) {
                assertThat(loaded.manifest().version()).isEqualTo(firstVersion);
            }
        }
    }

    @Test
    void shouldPruneAllButTheNewestAndTheActiveVersionWithRetain() throws Exception {
        Path third = save("captioner", 4, Map.of(), "third.captioner");
        String thirdVersion = ModelArtifact.readManifest(third).version();
        assertThat(models("retain.", "publish", first.toString()).exitCode()).isZero();
        assertThat(models("retain.", "publish", second.toString(), "--activate").exitCode())
                .isZero();

        CliRun published =
                models("retain.", "publish", third.toString(), "--retain", "1", "--json");

        assertThat(published.exitCode()).as(published.err()).isZero();
        JsonNode outcome = json(published).get(0);
        assertThat(outcome.get("version").asText()).isEqualTo(thirdVersion);
        assertThat(outcome.get("activated").asBoolean()).isFalse();
        assertThat(outcome.get("pruned"))
                .extracting(JsonNode::asText)
                .containsExactly(firstVersion);
        assertThat(json(models("retain.", "list", "--json")))
                .extracting(n -> n.get("version").asText())
                .containsExactly(secondVersion, thirdVersion);

        Path fourth = save("captioner", 5, Map.of(), "fourth.captioner");
        assertThat(models("retain.", "publish", fourth.toString()).exitCode()).isZero();
        CliRun pruned = models("retain.", "prune", "--retain", "1");
        assertThat(pruned.exitCode()).as(pruned.err()).isZero();
        assertThat(pruned.out().trim()).isEqualTo("pruned captioner: " + thirdVersion);
        assertThat(models("retain.", "prune", "--retain", "1").out().trim())
                .isEqualTo("nothing to prune");
    }

    @Test
    void shouldFailWithOneLineForAnUnknownVersion() {
        assertThat(models("unknown.", "publish", first.toString()).exitCode()).isZero();

        CliRun activate = models("unknown.", "activate", "no-such-version");
        CliRun show = models("unknown.", "show", "no-such-version");

        assertThat(activate.exitCode()).isEqualTo(ModelTopicAccess.EXIT_REFUSED);
        assertThat(activate.err().trim())
                .doesNotContain("\n")
                .startsWith("models activate: ")
                .contains("UNKNOWN_VERSION", "no-such-version");
        assertThat(show.exitCode()).isEqualTo(ModelTopicAccess.EXIT_REFUSED);
        assertThat(show.err().trim())
                .doesNotContain("\n")
                .isEqualTo(
                        "models show: model captioner has no version no-such-version on topic"
                                + " unknown.models");
    }

    @Test
    void shouldRefuseToActivateAnIncompleteVersion() throws Exception {
        ModelManifest manifest =
                ModelManifest.newBuilder()
                        .setModelName("captioner")
                        .setVersion("half")
                        .setArtifactSizeBytes(2048)
                        .setSha256("0".repeat(64))
                        .setChunkCount(2)
                        .setChunkSizeBytes(1024)
                        .setArchitecture(
                                io.captioner.events.ModelArchitecture.newBuilder()
                                        .setEncoderName("tiny-cnn")
                                        .setEmbedSize(8)
                                        .setHiddenSize(16)
                                        .setNumLayers(1)
                                        .setVocabSize(9)
                                        .build())
                        .setCreatedTime(Instant.parse("2026-01-01T00:00:00Z"))
                        .build();
        Topic<String, ModelTopicRecord> models = topics("half.").models();
        try (KafkaProducer<String, ModelTopicRecord> producer =
                new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                        new StringSerializer(),
                        models.valueSerde().serializer())) {
            producer.send(
                            new ProducerRecord<>(
                                    models.name(),
                                    ModelTopicKeys.manifest("captioner", "half"),
                                    new ModelTopicRecord(manifest)))
                    .get();
        }

        CliRun activate = models("half.", "activate", "half");
        JsonNode listed = json(models("half.", "list", "--json")).get(0);

        assertThat(activate.exitCode()).isEqualTo(ModelTopicAccess.EXIT_REFUSED);
        assertThat(activate.err().trim())
                .startsWith("models activate: INCOMPLETE_VERSION")
                .contains("0 of 2 chunks");
        assertThat(listed.get("complete").asBoolean()).isFalse();
        assertThat(listed.get("chunks_present").asInt()).isZero();
    }

    @Test
    void shouldRefuseTheSameVersionWithOtherBytes() throws Exception {
        Path tampered = dir.resolve("same-version.captioner");
        copyWithExtraEntry(first, tampered);
        assertThat(models("conflict.", "publish", first.toString()).exitCode()).isZero();

        CliRun again = models("conflict.", "publish", first.toString());
        CliRun conflict = models("conflict.", "publish", tampered.toString());

        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.outLines().get(0)).contains("nothing written");
        assertThat(conflict.exitCode()).isEqualTo(ModelTopicAccess.EXIT_REFUSED);
        assertThat(conflict.err().trim())
                .startsWith("models publish: VERSION_CONFLICT")
                .contains(firstVersion);
    }

    @Test
    void shouldAskForTheModelWhenTheTopicHoldsSeveral() {
        assertThat(models("two.", "publish", first.toString(), "--activate").exitCode()).isZero();
        assertThat(models("two.", "publish", otherModel.toString()).exitCode()).isZero();

        CliRun ambiguous = models("two.", "rollback");
        CliRun chosen = models("two.", "rollback", "--model", "captioner");

        assertThat(ambiguous.exitCode()).isEqualTo(ModelTopicAccess.EXIT_REFUSED);
        assertThat(ambiguous.err().trim())
                .isEqualTo(
                        "models rollback: topic two.models holds several models (captioner,"
                                + " other); choose one with --model");
        assertThat(chosen.exitCode()).isEqualTo(ModelTopicAccess.EXIT_REFUSED);
        assertThat(chosen.err().trim())
                .startsWith("models rollback: NO_ROLLBACK_TARGET")
                .contains("first activation");
    }

    @Test
    void shouldRefuseBadInputBeforeTouchingKafka() throws Exception {
        Path keys = dir.resolve("existing-keys");
        assertThat(CliRun.of("models", "keygen", keys.toString()).exitCode()).isZero();
        String before = Files.readString(keys.resolve(ModelSigning.PRIVATE_KEY_FILE));
        Path notAKey = Files.writeString(dir.resolve("not-a-key.pem"), "hello");
        Files.copy(
                keys.resolve(ModelSigning.PUBLIC_KEY_FILE),
                dir.resolve(ModelSigning.PUBLIC_KEY_FILE));
        Path notAnArtifact = Files.writeString(dir.resolve("notes.txt"), "not a model");

        CliRun keygenAgain = CliRun.of("models", "keygen", keys.toString());
        CliRun missing = models("bad.", "publish", dir.resolve("missing.captioner").toString());
        CliRun badArtifact = models("bad.", "publish", notAnArtifact.toString());
        CliRun badKey = models("bad.", "publish", first.toString(), "--sign", notAKey.toString());

        assertThat(keygenAgain.exitCode()).isEqualTo(ModelTopicAccess.EXIT_BAD_INPUT);
        assertThat(keygenAgain.err().trim())
                .isEqualTo(
                        "models keygen: "
                                + keys
                                + " already holds model keys; refusing to overwrite them");
        assertThat(Files.readString(keys.resolve(ModelSigning.PRIVATE_KEY_FILE))).isEqualTo(before);
        assertThat(missing.exitCode()).isEqualTo(ModelTopicAccess.EXIT_BAD_INPUT);
        assertThat(missing.err().trim())
                .isEqualTo(
                        "models publish: model artifact "
                                + dir.resolve("missing.captioner")
                                + " not found");
        assertThat(badArtifact.exitCode()).isEqualTo(ModelTopicAccess.EXIT_BAD_INPUT);
        assertThat(badArtifact.err()).contains("not a captioner model artifact");
        assertThat(badKey.exitCode()).isEqualTo(ModelTopicAccess.EXIT_BAD_INPUT);
        assertThat(badKey.err().trim()).startsWith("models publish: bad key file: ");
        assertThat(json(models("bad.", "list", "--json"))).isEmpty();
    }

    @Test
    void shouldGiveUpOnAnUnreachableBrokerAfterTheTimeout() throws IOException {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        String bootstrap = "127.0.0.1:" + deadPort;

        CliRun list = CliRun.of("models", "list", "--bootstrap", bootstrap, "--timeout", "2");
        CliRun publish =
                CliRun.of(
                        "models",
                        "publish",
                        first.toString(),
                        "--bootstrap",
                        bootstrap,
                        "--timeout",
                        "2");

        assertThat(list.exitCode()).isEqualTo(ModelTopicAccess.EXIT_KAFKA);
        assertThat(list.err().trim())
                .startsWith("models list: Kafka at " + bootstrap + " did not answer in time");
        assertThat(publish.exitCode()).isEqualTo(ModelTopicAccess.EXIT_KAFKA);
        assertThat(publish.err().trim())
                .startsWith("models publish: Kafka at " + bootstrap + " did not answer in time");
    }

    private static CliRun models(String prefix, String... args) {
        List<String> all = new ArrayList<>(List.of("models"));
        all.addAll(List.of(args));
        all.addAll(
                List.of(
                        "--bootstrap",
                        stack.bootstrapServers(),
                        "--registry",
                        stack.registryUrl(),
                        "--topic-prefix",
                        prefix));
        return CliRun.of(all.toArray(String[]::new));
    }

    private static List<String> activeVersions(String prefix) throws IOException {
        List<String> active = new ArrayList<>();
        for (JsonNode node : json(models(prefix, "list", "--json"))) {
            if (node.get("active").asBoolean()) {
                active.add(node.get("version").asText());
            }
        }
        return active;
    }

    private static List<JsonNode> json(CliRun run) throws IOException {
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : run.outLines()) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    private static Topics topics(String prefix) {
        return Topics.builder()
                .setSerdeConfig(
                        Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, stack.registryUrl()))
                .optNamePrefix(prefix)
                .build();
    }

    /** Saves an untrained tiny-cnn captioner with small layers: a real artifact of a few KB. */
    private static Path save(String name, int seed, Map<String, Double> metrics, String file)
            throws IOException {
        Engine.getEngine("PyTorch").setRandomSeed(seed);
        List<String> words = new ArrayList<>(List.of("<pad>", "<start>", "<end>", "<unk>"));
        for (int i = 0; i < 5; i++) {
            words.add("w" + i);
        }
        Vocabulary vocabulary = Vocabulary.fromWords(words);
        Architecture architecture =
                Architecture.of(EncoderType.TINY_CNN, Backbones.DJL, 8, 16, 1, vocabulary.size());
        Model model = Model.newInstance(name, Device.cpu(), "PyTorch");
        CaptionNet net = new CaptionNet(architecture, TinyCnn.build());
        model.setBlock(net);
        net.initialize(model.getNDManager(), DataType.FLOAT32, net.trainingInputShapes(2, 2, 4));
        ImagePreprocessor p = ImagePreprocessor.imagenet(architecture.inputSize());
        io.captioner.model.artifact.ModelManifest manifest =
                new io.captioner.model.artifact.ModelManifest(
                        ModelArtifact.FORMAT_VERSION,
                        name,
                        null,
                        null,
                        architecture,
                        new io.captioner.model.artifact.ModelManifest.Preprocessing(
                                p.size(), p.mean(), p.std()),
                        vocabulary.words(),
                        null,
                        metrics,
                        null);
        Path path = dir.resolve(file);
        try (Captioner captioner = Captioner.of(model, manifest)) {
            captioner.save(path);
        }
        return path;
    }

    /** The same entries plus one more: same manifest and version, other bytes and sha256. */
    private static void copyWithExtraEntry(Path from, Path to) throws IOException {
        try (InputStream in = Files.newInputStream(from);
                ZipInputStream source = new ZipInputStream(in);
                OutputStream out = Files.newOutputStream(to);
                ZipOutputStream target = new ZipOutputStream(out)) {
            for (ZipEntry entry; (entry = source.getNextEntry()) != null; ) {
                target.putNextEntry(new ZipEntry(entry.getName()));
                target.write(source.readAllBytes());
                target.closeEntry();
            }
            target.putNextEntry(new ZipEntry("extra.txt"));
            target.write("extra".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            target.closeEntry();
        }
    }
}

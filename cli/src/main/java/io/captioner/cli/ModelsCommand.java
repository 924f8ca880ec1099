package io.captioner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.captioner.events.ModelActivation;
import io.captioner.events.ModelArchitecture;
import io.captioner.events.ModelManifest;
import io.captioner.model.artifact.ModelArtifact;
import io.captioner.model.artifact.ModelArtifactException;
import io.captioner.modeltopic.ManifestInfo;
import io.captioner.modeltopic.ModelCatalog;
import io.captioner.modeltopic.ModelPublisher;
import io.captioner.modeltopic.ModelSigning;
import io.captioner.modeltopic.ModelTransaction;
import io.captioner.modeltopic.ModelVersionSummary;
import io.captioner.modeltopic.PublishedModel;
import io.captioner.modeltopic.SigningKey;
import io.captioner.release.CaptionerArtifacts;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code captioner models}: publishes model artifacts to the compacted {@code models} topic,
 * activates and rolls back versions, lists and shows them, and makes signing keys, so serving
 * instances can hot-swap models without a redeploy.
 */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = {
            "Manage the model versions on topic 'models': publish artifacts, activate, roll back,"
                    + " prune, list, show, and make signing keys.",
            "The version is the one in the artifact's manifest, which captions carry as"
                    + " model_version."
        },
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  done",
            "  1  refused: unknown, incomplete or conflicting version, nothing to roll",
            "     back to, no model or several models on the topic (choose with --model)",
            "  2  bad input: missing or invalid artifact, bad key file, existing keys,",
            "     bad option value",
            "  3  Kafka or the schema registry unreachable (after --timeout) or failing"
        },
        subcommands = {
            ModelsCommand.Publish.class,
            ModelsCommand.Activate.class,
            ModelsCommand.Rollback.class,
            ModelsCommand.Prune.class,
            ModelsCommand.ListVersions.class,
            ModelsCommand.Show.class,
            ModelsCommand.Keygen.class,
            TrainNowCommand.class
        })
public final class ModelsCommand implements Runnable {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** One version as a JSON object, the format of {@code list --json} and {@code show --json}. */
    static ObjectNode toJson(ModelVersionSummary summary, Optional<ModelActivation> activation) {
        ObjectNode node = JSON.createObjectNode();
        node.put("model", summary.modelName());
        node.put("version", summary.version());
        node.put("active", summary.active());
        node.put("complete", summary.complete());
        node.put("chunks_present", summary.chunksPresent());
        node.put("bytes_present", summary.bytesPresent());
        node.put("offset", summary.firstOffset());
        summary.manifest()
                .ifPresentOrElse(
                        m -> {
                            node.put("size_bytes", m.getArtifactSizeBytes());
                            node.put("chunk_count", m.getChunkCount());
                            node.put("chunk_size_bytes", m.getChunkSizeBytes());
                            node.put("sha256", m.getSha256());
                            node.put("artifact_format", m.getArtifactFormat());
                            node.put(
                                    "created",
                                    m.getCreatedTime().truncatedTo(ChronoUnit.MILLIS).toString());
                            node.put("parent_version", m.getParentVersion());
                            node.put("signature_key_id", m.getSignatureKeyId());
                            ModelArchitecture a = m.getArchitecture();
                            ObjectNode arch = node.putObject("architecture");
                            arch.put("encoder", a.getEncoderName());
                            arch.put("embed_size", a.getEmbedSize());
                            arch.put("hidden_size", a.getHiddenSize());
                            arch.put("layers", a.getNumLayers());
                            arch.put("vocab_size", a.getVocabSize());
                            arch.put("input_image_size", a.getInputImageSize());
                            arch.put("max_caption_length", a.getMaxCaptionLength());
                            ObjectNode metrics = node.putObject("metrics");
                            new TreeMap<>(m.getMetrics()).forEach(metrics::put);
                        },
                        () -> node.put("manifest", false));
        if (summary.active() && activation.isPresent()) {
            ModelActivation a = activation.get();
            node.put("activated", a.getActivatedTime().truncatedTo(ChronoUnit.MILLIS).toString());
            node.put("activation_reason", a.getReason());
            node.put("previous_version", a.getPreviousVersion());
            node.put("activation_sequence", a.getSequence());
            node.put("activation_signature_key_id", a.getSignatureKeyId());
        }
        return node;
    }

    private static String json(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String humanBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int unit = -1;
        do {
            value /= 1024;
            unit++;
        } while (value >= 1024 && unit < units.length - 1);
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    private static String metricsText(Map<String, Double> metrics) {
        if (metrics.isEmpty()) {
            return "-";
        }
        return new TreeMap<>(metrics)
                .entrySet().stream()
                        .map(
                                e ->
                                        e.getKey()
                                                + "="
                                                + String.format(Locale.ROOT, "%.4f", e.getValue()))
                        .collect(Collectors.joining(","));
    }

    /** Publishes an artifact file as a new model version. */
    @Command(
            name = "publish",
            mixinStandardHelpOptions = true,
            description = {
                "Publish a model artifact (as written by 'captioner train') as a version on topic"
                        + " 'models': chunks, manifest and optional activation in one Kafka"
                        + " transaction.",
                "Model name, version, architecture, metrics (plus train_loss and val_loss from"
                        + " its training summary) and creation time come from the artifact's"
                        + " manifest; the version is what captions carry as"
                        + " model_version. Publishing the identical version again is a no-op;"
                        + " the same version with other bytes is refused.",
                "Prints 'published MODEL VERSION (...)' and whether it was activated."
            })
    static final class Publish implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Mixin KafkaOptions kafka;

        @Mixin ModelTopicOptions topic;

        @Parameters(paramLabel = "FILE", description = "The model artifact file.")
        Path artifact;

        @Option(
                names = "--activate",
                description = "Also make it the model's active version (same transaction).")
        boolean activate;

        @Mixin SigningOptions signing;

        @Option(
                names = "--retain",
                paramLabel = "N",
                defaultValue = "0",
                description =
                        "Keep only the newest N versions of the model plus the active one; older"
                                + " ones are deleted in the same transaction (default: 0, keep"
                                + " all).")
        int retain;

        @Option(
                names = "--parent",
                paramLabel = "VERSION",
                description =
                        "The version this model was fine-tuned from (artifacts do not record it).")
        String parentVersion;

        @Option(
                names = "--json",
                description = "Print one JSON object describing the outcome, and nothing else.")
        boolean json;

        @Override
        public Integer call() {
            return ModelTopicAccess.run(spec, kafka, this::publish);
        }

        private int publish() {
            if (retain < 0) {
                throw new ModelTopicAccess.Failure(
                        ModelTopicAccess.EXIT_BAD_INPUT,
                        "--retain must be >= 0 (0 keeps all), got " + retain);
            }
            ManifestInfo info = readInfo();
            SigningKey key = signing.load();
            ModelTopicAccess access = new ModelTopicAccess(kafka, topic);
            PublishedModel published;
            try (ModelPublisher publisher = access.publisher(key, retain)) {
                published = publisher.publish(artifact, info, activate);
            }
            print(published);
            return 0;
        }

        private ManifestInfo readInfo() {
            try {
                return CaptionerArtifacts.manifestInfo(
                        ModelArtifact.readManifest(artifact), parentVersion);
            } catch (NoSuchFileException e) {
                throw new ModelTopicAccess.Failure(
                        ModelTopicAccess.EXIT_BAD_INPUT,
                        "model artifact " + artifact + " not found");
            } catch (ModelArtifactException | IllegalArgumentException e) {
                throw new ModelTopicAccess.Failure(
                        ModelTopicAccess.EXIT_BAD_INPUT,
                        "bad model artifact " + artifact + ": " + e.getMessage());
            } catch (IOException e) {
                throw new ModelTopicAccess.Failure(
                        ModelTopicAccess.EXIT_BAD_INPUT, "cannot read " + artifact + ": " + e);
            }
        }

        private void print(PublishedModel published) {
            PrintWriter out = spec.commandLine().getOut();
            ModelManifest m = published.manifest();
            Optional<ModelActivation> activation = published.activation();
            if (json) {
                ObjectNode node = JSON.createObjectNode();
                node.put("model", m.getModelName());
                node.put("version", m.getVersion());
                node.put("written", published.chunksWritten());
                node.put("activated", activation.isPresent());
                node.put(
                        "previous_version",
                        activation.map(ModelActivation::getPreviousVersion).orElse(null));
                node.put("size_bytes", m.getArtifactSizeBytes());
                node.put("chunk_count", m.getChunkCount());
                node.put("sha256", m.getSha256());
                node.put("signature_key_id", m.getSignatureKeyId());
                published.prunedVersions().forEach(node.putArray("pruned")::add);
                out.println(json(node));
                return;
            }
            String signed =
                    m.getSignatureKeyId() == null
                            ? "unsigned"
                            : "signed by key " + m.getSignatureKeyId();
            if (published.chunksWritten()) {
                out.printf(
                        Locale.ROOT,
                        "published %s %s (%s in %d chunk%s, %s)%n",
                        m.getModelName(),
                        m.getVersion(),
                        humanBytes(m.getArtifactSizeBytes()),
                        m.getChunkCount(),
                        m.getChunkCount() == 1 ? "" : "s",
                        signed);
            } else {
                out.printf(
                        Locale.ROOT,
                        "published %s %s (already on the topic with the same bytes; nothing"
                                + " written)%n",
                        m.getModelName(),
                        m.getVersion());
            }
            if (activation.isPresent()) {
                String previous = activation.get().getPreviousVersion();
                out.println(
                        "activated: yes (previous: "
                                + (previous == null ? "none" : previous)
                                + ")");
            } else {
                out.println(
                        "activated: no (activate with 'captioner models activate "
                                + m.getVersion()
                                + "')");
            }
            if (!published.prunedVersions().isEmpty()) {
                out.println("pruned: " + String.join(", ", published.prunedVersions()));
            }
        }
    }

    /** Makes a published version the active one. */
    @Command(
            name = "activate",
            mixinStandardHelpOptions = true,
            description = {
                "Make a complete, published version the model's active version; serving"
                        + " instances switch to it. The activation gets the model's next"
                        + " activation sequence; with --sign it is signed, which instances with"
                        + " trusted keys require.",
                "Prints 'activated MODEL VERSION (previous: P)'."
            })
    static final class Activate implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Mixin KafkaOptions kafka;

        @Mixin ModelTopicOptions topic;

        @Mixin SigningOptions signing;

        @Parameters(paramLabel = "VERSION", description = "The version to activate.")
        String version;

        @Option(
                names = "--model",
                paramLabel = "NAME",
                description = "The model (default: the only model on the topic).")
        String model;

        @Override
        public Integer call() {
            return ModelTopicAccess.run(
                    spec,
                    kafka,
                    () -> {
                        SigningKey key = signing.load();
                        ModelTopicAccess access = new ModelTopicAccess(kafka, topic);
                        String name = access.resolveModel(model);
                        ModelActivation activation;
                        try (ModelPublisher publisher = access.publisher(key, 0)) {
                            activation =
                                    publisher.transact(
                                            tx -> {
                                                warnIfUnsigned(spec, tx, name, version, key);
                                                return tx.activate(name, version, "activate");
                                            });
                        }
                        String previous = activation.getPreviousVersion();
                        spec.commandLine()
                                .getOut()
                                .println(
                                        "activated "
                                                + name
                                                + " "
                                                + activation.getVersion()
                                                + " (previous: "
                                                + (previous == null ? "none" : previous)
                                                + ")");
                        return 0;
                    });
        }
    }

    /** Re-activates the version active before the current one. */
    @Command(
            name = "rollback",
            mixinStandardHelpOptions = true,
            description = {
                "Re-activate the version that was active before the current one. Rolling back"
                        + " twice returns to where the first rollback started. The rollback is a"
                        + " new activation (next sequence; signed with --sign).",
                "Prints 'rolled back MODEL from CURRENT to PREVIOUS'."
            })
    static final class Rollback implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Mixin KafkaOptions kafka;

        @Mixin ModelTopicOptions topic;

        @Mixin SigningOptions signing;

        @Option(
                names = "--model",
                paramLabel = "NAME",
                description = "The model (default: the only model on the topic).")
        String model;

        @Override
        public Integer call() {
            return ModelTopicAccess.run(
                    spec,
                    kafka,
                    () -> {
                        SigningKey key = signing.load();
                        ModelTopicAccess access = new ModelTopicAccess(kafka, topic);
                        String name = access.resolveModel(model);
                        ModelActivation activation;
                        try (ModelPublisher publisher = access.publisher(key, 0)) {
                            activation =
                                    publisher.transact(
                                            tx -> {
                                                tx.activation(name)
                                                        .map(ModelActivation::getPreviousVersion)
                                                        .ifPresent(
                                                                target ->
                                                                        warnIfUnsigned(
                                                                                spec, tx, name,
                                                                                target, key));
                                                return tx.rollback(name);
                                            });
                        }
                        spec.commandLine()
                                .getOut()
                                .println(
                                        "rolled back "
                                                + name
                                                + " from "
                                                + activation.getPreviousVersion()
                                                + " to "
                                                + activation.getVersion());
                        return 0;
                    });
        }
    }

    /** Deletes old versions by the retention policy. */
    @Command(
            name = "prune",
            mixinStandardHelpOptions = true,
            description = {
                "Delete all but the newest N versions of the model (or of every model) and the"
                        + " active one: tombstones on their manifests and chunks, in one"
                        + " transaction; compaction then frees the bytes. Activations are kept.",
                "Prints 'pruned MODEL: V1, V2' per model, or 'nothing to prune'."
            })
    static final class Prune implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Mixin KafkaOptions kafka;

        @Mixin ModelTopicOptions topic;

        @Option(
                names = "--retain",
                paramLabel = "N",
                required = true,
                description = "How many of the newest versions to keep (besides the active one).")
        int retain;

        @Option(
                names = "--model",
                paramLabel = "NAME",
                description = "Only this model (default: every model on the topic).")
        String model;

        @Override
        public Integer call() {
            return ModelTopicAccess.run(
                    spec,
                    kafka,
                    () -> {
                        if (retain < 1) {
                            throw new ModelTopicAccess.Failure(
                                    ModelTopicAccess.EXIT_BAD_INPUT,
                                    "--retain must be >= 1, got " + retain);
                        }
                        ModelTopicAccess access = new ModelTopicAccess(kafka, topic);
                        Map<String, List<String>> pruned;
                        try (ModelPublisher publisher = access.publisher(null, retain)) {
                            pruned =
                                    model == null
                                            ? publisher.prune()
                                            : Map.of(model, publisher.prune(model));
                        }
                        PrintWriter out = spec.commandLine().getOut();
                        boolean any = false;
                        for (Map.Entry<String, List<String>> e : pruned.entrySet()) {
                            if (!e.getValue().isEmpty()) {
                                any = true;
                                out.println(
                                        "pruned "
                                                + e.getKey()
                                                + ": "
                                                + String.join(", ", e.getValue()));
                            }
                        }
                        if (!any) {
                            out.println("nothing to prune");
                        }
                        return 0;
                    });
        }
    }

    /**
     * Warns (on stderr) when an unsigned activation is about to be written for a signed version:
     * instances that verify signatures would refuse it.
     */
    private static void warnIfUnsigned(
            CommandSpec spec, ModelTransaction tx, String name, String version, SigningKey key) {
        if (key != null) {
            return;
        }
        String signer =
                tx.catalog()
                        .version(name, version)
                        .flatMap(ModelVersionSummary::manifest)
                        .map(ModelManifest::getSignatureKeyId)
                        .orElse(null);
        if (signer != null) {
            spec.commandLine()
                    .getErr()
                    .println(
                            "warning: version "
                                    + version
                                    + " is signed (key "
                                    + signer
                                    + ") but this activation is not; instances with trusted"
                                    + " keys will refuse it (use --sign)");
        }
    }

    /** Lists the versions on the topic. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = {
                "List the versions on topic 'models', oldest first, per model: size, creation"
                        + " time, metrics, completeness, signing key, and which one is active"
                        + " ('*').",
                "With --json: one JSON object per version per line."
            })
    static final class ListVersions implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Mixin KafkaOptions kafka;

        @Mixin ModelTopicOptions topic;

        @Option(
                names = "--model",
                paramLabel = "NAME",
                description = "Only this model (default: all).")
        String model;

        @Option(
                names = "--json",
                description = "Print one JSON object per version, and nothing else.")
        boolean json;

        @Override
        public Integer call() {
            return ModelTopicAccess.run(spec, kafka, this::list);
        }

        private int list() {
            ModelTopicAccess access = new ModelTopicAccess(kafka, topic);
            PrintWriter out = spec.commandLine().getOut();
            List<String[]> rows = new ArrayList<>();
            try (ModelCatalog catalog = access.readCatalog()) {
                List<String> names =
                        model == null
                                ? List.copyOf(new TreeSet<>(catalog.modelNames()))
                                : List.of(model);
                for (String name : names) {
                    Optional<ModelActivation> activation = catalog.activation(name);
                    for (ModelVersionSummary v : catalog.versions(name)) {
                        if (json) {
                            out.println(json(toJson(v, activation)));
                        } else {
                            rows.add(row(v));
                        }
                    }
                }
            }
            if (!json) {
                if (rows.isEmpty()) {
                    spec.commandLine()
                            .getErr()
                            .println(
                                    "models list: no model versions on topic "
                                            + access.topicName()
                                            + (model == null ? "" : " for model " + model));
                } else {
                    rows.add(
                            0,
                            new String[] {
                                "MODEL",
                                "VERSION",
                                "ACTIVE",
                                "COMPLETE",
                                "SIZE",
                                "CREATED",
                                "SIGNED",
                                "METRICS"
                            });
                    printTable(out, rows);
                }
            }
            return 0;
        }

        private static String[] row(ModelVersionSummary v) {
            Optional<ModelManifest> m = v.manifest();
            String complete;
            if (v.complete()) {
                complete = "yes";
            } else if (m.isPresent()) {
                complete = "no (" + v.chunksPresent() + "/" + m.get().getChunkCount() + ")";
            } else {
                complete = "no (no manifest)";
            }
            return new String[] {
                v.modelName(),
                v.version(),
                v.active() ? "*" : "",
                complete,
                humanBytes(m.map(ModelManifest::getArtifactSizeBytes).orElse(v.bytesPresent())),
                m.map(x -> x.getCreatedTime().truncatedTo(ChronoUnit.SECONDS).toString())
                        .orElse("-"),
                m.map(ModelManifest::getSignatureKeyId).orElse("-"),
                m.map(x -> metricsText(x.getMetrics())).orElse("-")
            };
        }

        private static void printTable(PrintWriter out, List<String[]> rows) {
            int columns = rows.get(0).length;
            int[] widths = new int[columns];
            for (String[] row : rows) {
                for (int i = 0; i < columns; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < columns; i++) {
                    line.append(row[i]);
                    if (i < columns - 1) {
                        line.append(" ".repeat(widths[i] - row[i].length() + 2));
                    }
                }
                out.println(line.toString().stripTrailing());
            }
        }
    }

    /** Shows one version's manifest. */
    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = {
                "Show one version's manifest: size, sha256, chunks, completeness, architecture,"
                        + " metrics, parent, creation time, signing key id and activation.",
                "With --json: one JSON object (the format of 'models list --json')."
            })
    static final class Show implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Mixin KafkaOptions kafka;

        @Mixin ModelTopicOptions topic;

        @Parameters(paramLabel = "VERSION", description = "The version to show.")
        String version;

        @Option(
                names = "--model",
                paramLabel = "NAME",
                description = "The model (default: the only model on the topic).")
        String model;

        @Option(names = "--json", description = "Print one JSON object, and nothing else.")
        boolean json;

        @Override
        public Integer call() {
            return ModelTopicAccess.run(spec, kafka, this::show);
        }

        private int show() {
            ModelTopicAccess access = new ModelTopicAccess(kafka, topic);
            try (ModelCatalog catalog = access.readCatalog()) {
                String name = model == null ? access.onlyModel(catalog.modelNames()) : model;
                ModelVersionSummary summary =
                        catalog.version(name, version)
                                .orElseThrow(
                                        () ->
                                                new ModelTopicAccess.Failure(
                                                        ModelTopicAccess.EXIT_REFUSED,
                                                        "model "
                                                                + name
                                                                + " has no version "
                                                                + version
                                                                + " on topic "
                                                                + access.topicName()));
                Optional<ModelActivation> activation = catalog.activation(name);
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    out.println(json(toJson(summary, activation)));
                } else {
                    print(out, summary, activation);
                }
            }
            return 0;
        }

        private static void print(
                PrintWriter out, ModelVersionSummary v, Optional<ModelActivation> activation) {
            Map<String, String> lines = new LinkedHashMap<>();
            lines.put("model", v.modelName());
            lines.put("version", v.version());
            if (v.active() && activation.isPresent()) {
                ModelActivation a = activation.get();
                lines.put(
                        "active",
                        "yes (since "
                                + a.getActivatedTime().truncatedTo(ChronoUnit.SECONDS)
                                + ", "
                                + (a.getReason() == null ? "no reason given" : a.getReason())
                                + ", previous: "
                                + (a.getPreviousVersion() == null ? "none" : a.getPreviousVersion())
                                + ")");
                lines.put(
                        "activation",
                        (a.getSequence() == null ? "legacy (no sequence)" : "#" + a.getSequence())
                                + ", "
                                + (a.getSignatureKeyId() == null
                                        ? "unsigned"
                                        : "signed by key " + a.getSignatureKeyId()));
            } else {
                lines.put("active", "no");
            }
            Optional<ModelManifest> manifest = v.manifest();
            if (manifest.isEmpty()) {
                lines.put(
                        "complete", "no: no manifest, " + v.chunksPresent() + " chunk(s) present");
            } else {
                ModelManifest m = manifest.get();
                lines.put(
                        "complete",
                        (v.complete() ? "yes" : "no")
                                + " ("
                                + v.chunksPresent()
                                + " of "
                                + m.getChunkCount()
                                + " chunks present)");
                lines.put(
                        "size",
                        m.getArtifactSizeBytes()
                                + " bytes ("
                                + humanBytes(m.getArtifactSizeBytes())
                                + ")");
                lines.put("sha256", m.getSha256());
                lines.put(
                        "chunks",
                        m.getChunkCount() + " of up to " + m.getChunkSizeBytes() + " bytes");
                lines.put("format", m.getArtifactFormat() == null ? "-" : m.getArtifactFormat());
                lines.put("created", m.getCreatedTime().truncatedTo(ChronoUnit.MILLIS).toString());
                lines.put(
                        "parent version",
                        m.getParentVersion() == null ? "-" : m.getParentVersion());
                ModelArchitecture a = m.getArchitecture();
                lines.put(
                        "architecture",
                        String.format(
                                Locale.ROOT,
                                "encoder %s, embed %d, hidden %d, layers %d, vocabulary %d,"
                                        + " input %s px",
                                a.getEncoderName(),
                                a.getEmbedSize(),
                                a.getHiddenSize(),
                                a.getNumLayers(),
                                a.getVocabSize(),
                                a.getInputImageSize() == null ? "default" : a.getInputImageSize()));
                lines.put("metrics", metricsText(m.getMetrics()));
                lines.put(
                        "signature",
                        m.getSignatureKeyId() == null
                                ? "unsigned"
                                : ModelSigning.ALGORITHM + ", key id " + m.getSignatureKeyId());
            }
            lines.put("topic offset", Long.toString(v.firstOffset()));
            int width = lines.keySet().stream().mapToInt(String::length).max().orElse(0) + 1;
            lines.forEach(
                    (k, value) ->
                            out.println(k + ":" + " ".repeat(width - k.length() + 1) + value));
        }
    }

    /** Generates an Ed25519 key pair for signing models. */
    @Command(
            name = "keygen",
            mixinStandardHelpOptions = true,
            description = {
                "Generate an Ed25519 key pair for signing models: DIR/private.pem (PKCS#8, mode"
                        + " 600, keep it secret) and DIR/public.pem (X.509, give it to readers"
                        + " that verify signatures). Refuses to overwrite existing keys.",
                "Publish with 'captioner models publish FILE --sign DIR'."
            })
    static final class Keygen implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Parameters(paramLabel = "DIR", description = "Directory for the key files; created.")
        Path dir;

        @Override
        public Integer call() {
            return ModelTopicAccess.run(
                    spec,
                    null,
                    () -> {
                        SigningKey key;
                        try {
                            key = ModelSigning.generateKeys(dir);
                        } catch (UncheckedIOException e) {
                            String why =
                                    e.getCause() instanceof FileAlreadyExistsException
                                            ? dir
                                                    + " already holds model keys; refusing to"
                                                    + " overwrite them"
                                            : e.getMessage();
                            throw new ModelTopicAccess.Failure(
                                    ModelTopicAccess.EXIT_BAD_INPUT, why);
                        }
                        PrintWriter out = spec.commandLine().getOut();
                        out.println(
                                "wrote "
                                        + dir.resolve(ModelSigning.PRIVATE_KEY_FILE)
                                        + " (secret) and "
                                        + dir.resolve(ModelSigning.PUBLIC_KEY_FILE));
                        out.println("key id: " + key.keyId());
                        return 0;
                    });
        }
    }
}

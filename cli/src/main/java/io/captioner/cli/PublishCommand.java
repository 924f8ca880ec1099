package io.captioner.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.captioner.events.ImageEvent;
import io.captioner.schemas.EventValidation;
import io.captioner.schemas.InvalidEventException;
import io.captioner.schemas.Topic;
import io.captioner.schemas.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code captioner publish}: sends local image files to topic {@code images} as {@link
 * ImageEvent}s, so anything that can write a file can feed the captioner.
 */
@Command(
        name = "publish",
        mixinStandardHelpOptions = true,
        description = {
            "Publish image files, or directories of them (recursively, in path order), to topic"
                    + " 'images'.",
            "Files that are neither images by magic bytes nor by extension are skipped with a"
                    + " note on stderr.",
            "The image id (record key) is <file name>-<first 12 hex digits of the content's"
                    + " SHA-256>, so the same file always gets the same id.",
            "Prints 'ID<TAB>PATH' per image and 'published N images to images', or with --json"
                    + " one JSON object per image and nothing else."
        })
public final class PublishCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Stop waiting for metadata early: a CLI user wants to hear about a dead broker quickly. */
    private static final int MAX_BLOCK_MS = 30_000;

    private static final int DELIVERY_TIMEOUT_MS = 60_000;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin KafkaOptions kafka;

    @Parameters(
            arity = "1..*",
            paramLabel = "PATH",
            description = "Image files or directories to publish.")
    List<Path> paths;

    @Option(
            names = "--by-uri",
            description =
                    "Publish absolute file: URIs (claim checks) instead of the bytes; needed for"
                            + " files over "
                            + Topics.MAX_INLINE_IMAGE_BYTES
                            + " bytes. The captioner must be able to read the files.")
    boolean byUri;

    @Option(
            names = "--json",
            description = "Print one JSON object per published image, and nothing else.")
    boolean json;

    @Option(
            names = "--content-type",
            paramLabel = "TYPE",
            defaultValue = "auto",
            description =
                    "contentType of every event: 'auto' detects it from magic bytes, then the"
                            + " extension; 'none' leaves it unset for the captioner to sniff;"
                            + " anything else (e.g. image/jpeg) is used as given"
                            + " (default: ${DEFAULT-VALUE}).")
    String contentType;

    @Option(
            names = "--source",
            paramLabel = "NAME",
            defaultValue = "captioner-cli",
            description = "The events' source field (default: ${DEFAULT-VALUE}).")
    String source;

    @Option(
            names = "--topic-prefix",
            paramLabel = "PREFIX",
            defaultValue = "",
            description = "Prefix of the topic names, for a shared cluster (default: none).")
    String topicPrefix;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        List<ImageFile> images;
        try {
            checkContentType();
            images = collect(err);
            if (!byUri) {
                refuseOversized(images);
            }
        } catch (BadInputException e) {
            err.println("publish: " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        if (images.isEmpty()) {
            // collect() has said why; publishing nothing is not a success.
            return CommandLine.ExitCode.USAGE;
        }
        Topics topics = kafka.settings().topics(topicPrefix);
        return send(topics.images(), images, err);
    }

    private int send(Topic<String, ImageEvent> topic, List<ImageFile> images, PrintWriter err) {
        PrintWriter out = spec.commandLine().getOut();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        String failure = null;
        try (Producer<String, ImageEvent> producer =
                new KafkaProducer<>(
                        producerConfig(),
                        topic.keySerde().serializer(),
                        topic.valueSerde().serializer())) {
            for (ImageFile image : images) {
                Future<RecordMetadata> future;
                try {
                    ImageEvent event = EventValidation.validate(toEvent(image));
                    future = producer.send(new ProducerRecord<>(topic.name(), image.id(), event));
                } catch (IOException | UncheckedIOException e) {
                    failure = image.path() + ": cannot read: " + e.getMessage();
                    break;
                } catch (KafkaException | InvalidEventException e) {
                    failure = image.path() + ": " + e.getMessage();
                    break;
                }
                sent.add(future);
                // A missing topic or dead broker fails every send after a long wait: stop at once.
                if (future.isDone() && failureOf(future).isPresent()) {
                    break;
                }
            }
            producer.flush();
        } catch (KafkaException e) {
            err.println(
                    "publish: Kafka error (bootstrap "
                            + kafka.bootstrap()
                            + "): "
                            + e.getMessage());
            err.flush();
            return 1;
        }
        int published = 0;
        int failed = 0;
        for (int i = 0; i < sent.size(); i++) {
            ImageFile image = images.get(i);
            Optional<Throwable> error = failureOf(sent.get(i));
            if (error.isPresent()) {
                failed++;
                String hint =
                        error.get() instanceof TimeoutException
                                ? " (is Kafka reachable at " + kafka.bootstrap() + "?)"
                                : "";
                err.println(
                        "publish: "
                                + image.path()
                                + ": not sent: "
                                + error.get().getMessage()
                                + hint);
                continue;
            }
            published++;
            out.println(json ? toJson(image, sent.get(i)) : image.id() + "\t" + image.path());
        }
        if (failure != null) {
            err.println("publish: " + failure);
        }
        if (!json) {
            out.printf(
                    Locale.ROOT,
                    "published %d image%s to %s%n",
                    published,
                    published == 1 ? "" : "s",
                    topic.name());
        }
        out.flush();
        int unsent = images.size() - published;
        if (unsent > 0) {
            err.printf(
                    Locale.ROOT,
                    "publish: %d of %d images were not published (%d failed, %d not attempted)%n",
                    unsent,
                    images.size(),
                    failed,
                    unsent - failed);
        }
        err.flush();
        return unsent == 0 ? CommandLine.ExitCode.OK : 1;
    }

    private Properties producerConfig() {
        return kafka.settings()
                .client(
                        Map.of(
                                ProducerConfig.CLIENT_ID_CONFIG,
                                "captioner-cli-publish",
                                ProducerConfig.ACKS_CONFIG,
                                "all",
                                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                                true,
                                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                                MAX_BLOCK_MS,
                                ProducerConfig.BATCH_SIZE_CONFIG,
                                ClientSettings.IMAGE_BATCH_BYTES,
                                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                                DELIVERY_TIMEOUT_MS),
                        Map.of());
    }

    private ImageEvent toEvent(ImageFile image) throws IOException {
        ImageEvent.Builder event =
                ImageEvent.newBuilder()
                        .setImageId(image.id())
                        .setContentType(contentTypeOf(image))
                        .setSource(source)
                        .setEventTime(Instant.now());
        if (byUri) {
            event.setImageUri(uriOf(image));
        } else {
            event.setImageBytes(ByteBuffer.wrap(Files.readAllBytes(image.path())));
        }
        return event.build();
    }

    private static String uriOf(ImageFile image) {
        return image.path().toAbsolutePath().normalize().toUri().toString();
    }

    private String contentTypeOf(ImageFile image) {
        switch (contentType) {
            case "auto":
                return image.detectedType().orElse(null);
            case "none":
                return null;
            default:
                return contentType;
        }
    }

    private String toJson(ImageFile image, Future<RecordMetadata> future) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", image.id());
        node.put("path", image.path().toString());
        if (byUri) {
            node.put("uri", uriOf(image));
        }
        node.put("size_bytes", image.sizeBytes());
        node.put("content_type", contentTypeOf(image));
        RecordMetadata metadata = resultOf(future);
        node.put("partition", metadata.partition());
        node.put("offset", metadata.offset());
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON object of strings and numbers", e);
        }
    }

    private void checkContentType() throws BadInputException {
        if (!contentType.equals("auto")
                && !contentType.equals("none")
                && !contentType.matches("[A-Za-z0-9.+-]+/[A-Za-z0-9.+-]+")) {
            throw new BadInputException(
                    "--content-type must be auto, none or a MIME type like image/jpeg, got "
                            + contentType);
        }
    }

    /** Expands directories, skips non-images with a note and drops repeated files. */
    private List<ImageFile> collect(PrintWriter err) throws BadInputException {
        List<ImageFile> images = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        for (Path path : paths) {
            for (Path file : expand(path)) {
                if (!seen.add(realPath(file))) {
                    continue;
                }
                ImageFile image;
                try {
                    image = ImageFile.inspect(file);
                } catch (IOException e) {
                    throw new BadInputException(file + ": cannot read: " + e.getMessage());
                }
                if (!image.looksLikeImage()) {
                    err.println(
                            "publish: skipping "
                                    + file
                                    + (image.sizeBytes() == 0
                                            ? ": empty file"
                                            : ": not an image (unknown magic bytes and"
                                                    + " extension)"));
                    continue;
                }
                if (image.sniffedType().isEmpty()) {
                    err.println(
                            "publish: note: "
                                    + file
                                    + " has an image extension but unknown magic bytes;"
                                    + " publishing it anyway");
                }
                images.add(image);
            }
        }
        if (images.isEmpty()) {
            err.println("publish: no image files found: nothing to publish");
        }
        err.flush();
        return images;
    }

    private static List<Path> expand(Path path) throws BadInputException {
        if (Files.isRegularFile(path)) {
            return List.of(path);
        }
        if (!Files.isDirectory(path)) {
            throw new BadInputException(
                    path
                            + (Files.exists(path, LinkOption.NOFOLLOW_LINKS)
                                    ? ": neither a file nor a directory"
                                    : ": no such file or directory"));
        }
        try (Stream<Path> walk = Files.walk(path)) {
            // Sorting by the '/'-joined relative path keeps the order the same on every platform.
            return walk.filter(Files::isRegularFile)
                    .sorted(Comparator.comparing(p -> relativeName(path, p)))
                    .collect(Collectors.toList());
        } catch (IOException | UncheckedIOException e) {
            throw new BadInputException(path + ": cannot list directory: " + e.getMessage());
        }
    }

    private static String relativeName(Path root, Path file) {
        List<String> parts = new ArrayList<>();
        root.relativize(file).forEach(part -> parts.add(part.toString()));
        return String.join("/", parts);
    }

    private static Path realPath(Path file) throws BadInputException {
        try {
            return file.toRealPath();
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot resolve: " + e.getMessage());
        }
    }

    private static void refuseOversized(List<ImageFile> images) throws BadInputException {
        // Checked before sending anything, so a refused run publishes nothing at all.
        List<String> oversized =
                images.stream()
                        .filter(image -> image.sizeBytes() > Topics.MAX_INLINE_IMAGE_BYTES)
                        .map(image -> image.path() + " (" + image.sizeBytes() + " bytes)")
                        .collect(Collectors.toList());
        if (!oversized.isEmpty()) {
            throw new BadInputException(
                    String.format(
                            Locale.ROOT,
                            "%d file%s over the inline limit of %d bytes: %s; publish %s with"
                                    + " --by-uri (sends a file: URI instead of the bytes)",
                            oversized.size(),
                            oversized.size() == 1 ? " is" : "s are",
                            Topics.MAX_INLINE_IMAGE_BYTES,
                            String.join(", ", oversized),
                            oversized.size() == 1 ? "it" : "them"));
        }
    }

    private static Optional<Throwable> failureOf(Future<RecordMetadata> future) {
        try {
            future.get();
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.of(e.getCause() == null ? e : e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(e);
        }
    }

    private static RecordMetadata resultOf(Future<RecordMetadata> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("only called for successful sends", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted after a successful send", e);
        }
    }

    /** Command-line input that cannot be published. */
    private static final class BadInputException extends Exception {
        private static final long serialVersionUID = 1L;

        BadInputException(String message) {
            super(message);
        }
    }
}

package io.captioner.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.events.CaptionEvent;
import io.captioner.events.CaptionFailure;
import io.captioner.events.ImageEvent;
import io.captioner.events.LabeledPair;
import io.captioner.events.ModelTopicRecord;
import io.captioner.events.TrainingCommand;
import io.captioner.events.TrainingRun;
import io.captioner.schemas.Fixtures;
import io.captioner.schemas.registry.InMemorySchemaRegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/** The serde registers and finds schemas as the .avsc files write them. */
class PortableSchemaTest {

    private static final List<Schema> TOPIC_SCHEMAS =
            List.of(
                    ImageEvent.getClassSchema(),
                    CaptionEvent.getClassSchema(),
                    CaptionFailure.getClassSchema(),
                    LabeledPair.getClassSchema(),
                    ModelTopicRecord.getClassSchema(),
                    TrainingRun.getClassSchema(),
                    TrainingCommand.getClassSchema());

    @Test
    void shouldEqualTheAvscTextOfEveryTopicSchemaWithoutJavaProperties() throws Exception {
        Map<String, Schema> written = parseAvscFiles();

        for (Schema generated : TOPIC_SCHEMAS) {
            assertThat(generated.toString()).contains(PortableSchema.JAVA_STRING_PROPERTY);
            Schema portable = PortableSchema.of(generated);
            assertThat(portable.toString())
                    .as(generated.getFullName())
                    .doesNotContain(PortableSchema.JAVA_STRING_PROPERTY)
                    .isEqualTo(written.get(generated.getFullName()).toString());
            assertThat(SchemaNormalization.parsingFingerprint64(portable))
                    .isEqualTo(SchemaNormalization.parsingFingerprint64(generated));
        }
    }

    @Test
    void shouldFindSchemaAnotherLanguageRegisteredFromTheAvscWithoutAddingAVersion()
            throws Exception {
        // given: a client in another language registered images-value from ImageEvent.avsc
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        Schema avsc = new Schema.Parser().parse(avscText("ImageEvent.avsc"));
        int theirs = registry.register("images-value", avsc);

        // when
        byte[] bytes =
                new SpecificAvroSerializer<ImageEvent>(registry)
                        .serialize("images", Fixtures.inlineImage());

        // then
        assertThat(WireFormat.schemaId(bytes, "images")).isEqualTo(theirs);
        assertThat(registry.getLatestSchemaMetadata("images-value").version()).isEqualTo(1);
    }

    @Test
    void shouldRegisterTheFormTheAvscLooksUp() throws Exception {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

        byte[] bytes =
                new SpecificAvroSerializer<ImageEvent>(registry)
                        .serialize("images", Fixtures.inlineImage());

        Schema avsc = new Schema.Parser().parse(avscText("ImageEvent.avsc"));
        assertThat(registry.getId("images-value", avsc))
                .isEqualTo(WireFormat.schemaId(bytes, "images"));
    }

    @Test
    void shouldStillFindAndReadSchemasOlderBuildsRegisteredWithJavaProperties() {
        // given: a registry where an older build registered the generated class's schema
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        int legacy = registry.register("images-value", ImageEvent.getClassSchema());
        Map<String, Object> lookUpOnly =
                Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG, false);
        SpecificAvroSerializer<ImageEvent> serializer = new SpecificAvroSerializer<>(registry);
        serializer.configure(lookUpOnly, false);

        // when
        byte[] bytes = serializer.serialize("images", Fixtures.inlineImage());

        // then: the old id is used and records written with it read back
        assertThat(WireFormat.schemaId(bytes, "images")).isEqualTo(legacy);
        ImageEvent read =
                new SpecificAvroDeserializer<>(registry, ImageEvent.class)
                        .deserialize("images", bytes);
        assertThat(read).isEqualTo(Fixtures.inlineImage());
    }

    /** Parses every .avsc file as a client would, each with the types it references. */
    private static Map<String, Schema> parseAvscFiles() throws IOException, URISyntaxException {
        Path dir =
                Path.of(
                                PortableSchemaTest.class
                                        .getResource("/avro/io/captioner/events/ImageEvent.avsc")
                                        .toURI())
                        .getParent();
        List<String> pending = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.toString().endsWith(".avsc"))
                    .sorted()
                    .forEach(p -> pending.add(readQuietly(p)));
        }
        Map<String, Schema> parsed = new HashMap<>();
        // Files reference each other by name: parse until every reference is known, each with a
        // fresh parser that knows the types parsed so far.
        while (!pending.isEmpty()) {
            List<String> failed = new ArrayList<>();
            for (String text : pending) {
                try {
                    Schema schema = new Schema.Parser().addTypes(parsed.values()).parse(text);
                    parsed.put(schema.getFullName(), schema);
                } catch (AvroRuntimeException e) {
                    failed.add(text);
                }
            }
            assertThat(failed).as("every .avsc parses").hasSizeLessThan(pending.size());
            pending.clear();
            pending.addAll(failed);
        }
        return parsed;
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String avscText(String name) throws IOException {
        try (InputStream in =
                PortableSchemaTest.class.getResourceAsStream("/avro/io/captioner/events/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

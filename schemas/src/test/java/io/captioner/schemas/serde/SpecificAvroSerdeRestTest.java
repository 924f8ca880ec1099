package io.captioner.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.events.ImageEvent;
import io.captioner.schemas.Fixtures;
import io.captioner.schemas.Topics;
import io.captioner.schemas.registry.FakeRegistryServer;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The serde against a real HTTP registry endpoint, configured only by URL as Kafka would. */
class SpecificAvroSerdeRestTest {

    private FakeRegistryServer server;
    private Map<String, String> config;

    @BeforeEach
    void start() throws IOException {
        server = new FakeRegistryServer();
        server.respond("POST", "/subjects/images-value/versions", 200, "{\"id\":77}");
        config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, server.url().toString());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void shouldShareOneRegistryClientBetweenSerializerAndDeserializer() {
        // given
        SpecificAvroSerde<ImageEvent> serde = new SpecificAvroSerde<>(ImageEvent.class);
        serde.configure(config, false);

        // when
        byte[] bytes = serde.serializer().serialize("images", Fixtures.uriImage());
        ImageEvent back = serde.deserializer().deserialize("images", bytes);

        // then: the id registered by the serializer is known to the deserializer without a GET
        assertThat(WireFormat.schemaId(bytes, "images")).isEqualTo(77);
        assertThat(back).isEqualTo(Fixtures.uriImage());
        assertThat(server.requests())
                .extracting(FakeRegistryServer.Request::rawPath)
                .containsExactly("/subjects/images-value/versions");
    }

    @Test
    void shouldRegisterOnceAndReadBackThroughTopicsConfiguredByUrl() {
        // given
        Topics topics = Topics.create(config);

        // when: two writes and a read through the topic serde
        byte[] bytes =
                topics.images().valueSerde().serializer().serialize("images", Fixtures.uriImage());
        topics.images().valueSerde().serializer().serialize("images", Fixtures.inlineImage());

        // then
        assertThat(topics.images().valueSerde().deserializer().deserialize("images", bytes))
                .isEqualTo(Fixtures.uriImage());
        assertThat(server.requests()).hasSize(1);
    }
}

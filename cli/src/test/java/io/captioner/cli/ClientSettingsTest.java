package io.captioner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientSettingsTest {

    @TempDir Path dir;

    @Test
    void shouldLayerFileUnderEnvironmentUnderFlagsAndKeepRegistryKeysFromKafka() throws Exception {
        // given
        Path file =
                Files.writeString(
                        dir.resolve("client.properties"),
                        "bootstrap.servers=file:9092\n"
                                + "schema.registry.url=https://file:8081\n"
                                + "security.protocol=SASL_SSL\n"
                                + "sasl.mechanism=PLAIN\n"
                                + "basic.auth.credentials.source=USER_INFO\n"
                                + "basic.auth.user.info=file:secret\n"
                                + "schema.registry.ssl.truststore.location=/etc/ca.jks\n"
                                + "captioner.model.path=ignored.zip\n");
        Map<String, String> env =
                Map.of(
                        "CAPTIONER_BOOTSTRAP", "env:9092",
                        "CAPTIONER_BASIC_AUTH_USER_INFO", "env:secret",
                        "CAPTIONER_SASL_JAAS_CONFIG", "jaas from env");

        // when
        ClientSettings fromFileAndEnv = ClientSettings.resolve(file, null, null, env);
        ClientSettings withFlags =
                ClientSettings.resolve(file, "flag:9092", "http://flag:8081", env);

        // then
        assertThat(fromFileAndEnv.bootstrap()).isEqualTo("env:9092");
        assertThat(fromFileAndEnv.registry()).isEqualTo("https://file:8081");
        assertThat(fromFileAndEnv.kafka())
                .containsEntry("bootstrap.servers", "env:9092")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("sasl.jaas.config", "jaas from env")
                .doesNotContainKeys(
                        "schema.registry.url",
                        "basic.auth.user.info",
                        "basic.auth.credentials.source",
                        "schema.registry.ssl.truststore.location",
                        "captioner.model.path");
        assertThat(fromFileAndEnv.serde())
                .containsEntry("schema.registry.url", "https://file:8081")
                .containsEntry("basic.auth.user.info", "env:secret")
                .containsEntry("basic.auth.credentials.source", "USER_INFO")
                .containsEntry("schema.registry.ssl.truststore.location", "/etc/ca.jks");
        assertThat(withFlags.bootstrap()).isEqualTo("flag:9092");
        assertThat(withFlags.registry()).isEqualTo("http://flag:8081");
    }

    @Test
    void shouldDefaultToTheLocalStackAndNameEnvironmentVariablesAfterKeys() {
        ClientSettings defaults = ClientSettings.resolve(null, null, null, Map.of());
        assertThat(defaults.bootstrap()).isEqualTo("127.0.0.1:9092");
        assertThat(defaults.registry()).isEqualTo("http://127.0.0.1:8081");
        assertThat(ClientSettings.envName("schema.registry.ssl.truststore.location"))
                .isEqualTo("CAPTIONER_SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION");
        assertThat(ClientSettings.environmentSettings(Map.of("CAPTIONER_SECURITY_PROTOCOL", "SSL")))
                .containsExactly(Map.entry("security.protocol", "SSL"));
    }

    @Test
    void shouldExplainARegistryWithoutSchemeAndAMissingConfigFile() {
        assertThatThrownBy(() -> ClientSettings.resolve(null, null, "127.0.0.1:8081", Map.of()))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("did you mean http://127.0.0.1:8081?");
        assertThatThrownBy(
                        () ->
                                ClientSettings.resolve(
                                        dir.resolve("nope.properties"), null, null, Map.of()))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("nope.properties: no such file");
    }

    @Test
    void shouldReadTheExampleConfigFilesOfTheRepository() throws Exception {
        // the files in config/ are what --config and stack --config read
        Path client = Path.of("..", "config", "client.properties");
        ClientSettings settings = ClientSettings.resolve(client, null, null, Map.of());
        assertThat(settings.bootstrap()).isEqualTo("127.0.0.1:9092");
        assertThat(settings.registry()).isEqualTo("http://127.0.0.1:8081");
        java.util.Properties stack = new java.util.Properties();
        try (var in = Files.newInputStream(Path.of("..", "config", "local-stack.properties"))) {
            stack.load(in);
        }
        assertThat(StackCommand.CONFIG_KEYS).containsAll(stack.stringPropertyNames());
    }
}

package io.captioner.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry client against real JDK HTTP(S) servers that demand basic auth, a private CA and a
 * client certificate, configured with Confluent's keys.
 */
class RegistryAuthAndTlsTest {

    @TempDir static Path certs;

    private static Path serverStore;
    private static Path serverPem;
    private static Path clientStore;

    private HttpServer server;
    private final AtomicReference<String> lastAuthorization = new AtomicReference<>();

    @BeforeAll
    static void makeCertificates() throws Exception {
        serverStore = Keytool.keyPair(certs.resolve("server.p12"), "server");
        serverPem = Keytool.exportPem(serverStore, "server", certs.resolve("server.pem"));
        // One key pair serves both sides: the server trusts the certificate the client presents.
        clientStore = serverStore;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void shouldSendUserInfoCredentialsAndExplainA401WithoutThem() throws IOException {
        // given a registry that demands alice:s3cret
        String url = startHttp();

        // when / then: the right credentials pass
        SchemaRegistryClient client =
                SchemaRegistryClients.fromConfig(
                        config(
                                url,
                                "basic.auth.credentials.source",
                                "USER_INFO",
                                "basic.auth.user.info",
                                "alice:s3cret"));
        assertThat(client.getAllSubjects()).containsExactly("images-value");
        assertThat(lastAuthorization.get()).startsWith("Basic ");

        // and no credentials, or wrong ones, get one clear error
        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(config(url)).getAllSubjects())
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("the registry wants credentials");
        assertThatThrownBy(
                        () ->
                                SchemaRegistryClients.fromConfig(
                                                config(url, "basic.auth.user.info", "alice:nope"))
                                        .getAllSubjects())
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("refused the credentials");
    }

    @Test
    void shouldTakeCredentialsFromTheUrlAndNeverShowThem() throws IOException {
        // given
        String url = startHttp().replace("http://", "http://alice:s3cret@");
        SchemaRegistryClient client =
                SchemaRegistryClients.fromConfig(
                        config(url, "basic.auth.credentials.source", "URL"));

        // when / then: the request authenticates; errors name the URL without the password
        assertThat(client.getAllSubjects()).containsExactly("images-value");
        assertThat(((RestSchemaRegistryClient) client).baseUrls().toString())
                .doesNotContain("s3cret");
        assertThatThrownBy(() -> client.getSchemaById(404))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void shouldTrustAPrivateCaFromAJksPkcs12OrPemTrustStore() throws Exception {
        // given an https registry with a self-signed certificate
        String url = startHttps(false);
        Path jks = Keytool.trustStore(serverPem, certs.resolve("trust.jks"), "JKS");
        Path p12 = Keytool.trustStore(serverPem, certs.resolve("trust.p12"), "PKCS12");

        // when / then: each store type is trusted
        for (Map<String, Object> tls :
                new Map[] {
                    trust(jks, "JKS", Keytool.PASSWORD),
                    trust(p12, "PKCS12", Keytool.PASSWORD),
                    trust(serverPem, "PEM", null)
                }) {
            Map<String, Object> config = config(url, "basic.auth.user.info", "alice:s3cret");
            config.putAll(tls);
            assertThat(SchemaRegistryClients.fromConfig(config).getAllSubjects())
                    .containsExactly("images-value");
        }
        // and without the trust store the handshake fails
        Map<String, Object> untrusted = config(url, "basic.auth.user.info", "alice:s3cret");
        untrusted.put(SchemaRegistryClients.MAX_RETRIES_CONFIG, 0);
        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(untrusted).getAllSubjects())
                .isInstanceOf(SchemaRegistryConnectionException.class);
    }

    @Test
    void shouldPresentTheKeyStoreToARegistryThatDemandsClientCertificates() throws Exception {
        // given
        String url = startHttps(true);
        Map<String, Object> config = config(url, "basic.auth.user.info", "alice:s3cret");
        config.putAll(trust(serverPem, "PEM", null));
        config.put(SchemaRegistryClients.MAX_RETRIES_CONFIG, 0);

        Map<String, Object> withCertificate = new HashMap<>(config);
        withCertificate.put("schema.registry.ssl.keystore.location", clientStore.toString());
        withCertificate.put("schema.registry.ssl.keystore.type", "PKCS12");
        withCertificate.put("schema.registry.ssl.keystore.password", Keytool.PASSWORD);

        // when / then: accepted with the client certificate, refused without it (last: the JDK
        // server keeps a refused handshake's connection until the client gives up)
        assertThat(SchemaRegistryClients.fromConfig(withCertificate).getAllSubjects())
                .containsExactly("images-value");
        config.put(SchemaRegistryClients.CONNECT_TIMEOUT_MS_CONFIG, 3000);
        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(config).getAllSubjects())
                .isInstanceOf(SchemaRegistryConnectionException.class);
    }

    @Test
    void shouldRejectBadSettingsWithTheKeyInTheMessage() {
        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(config("127.0.0.1:8081")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("add the scheme, e.g. http://127.0.0.1:8081");
        assertThatThrownBy(
                        () ->
                                SchemaRegistryClients.fromConfig(
                                        config(
                                                "http://127.0.0.1:1",
                                                "basic.auth.credentials.source",
                                                "SASL_INHERIT")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("USER_INFO or URL");
        assertThatThrownBy(
                        () ->
                                SchemaRegistryClients.fromConfig(
                                        config(
                                                "http://127.0.0.1:1",
                                                "basic.auth.credentials.source",
                                                "USER_INFO")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("basic.auth.user.info=user:password");
        assertThatThrownBy(
                        () ->
                                SchemaRegistryClients.fromConfig(
                                        config(
                                                "https://127.0.0.1:1",
                                                "schema.registry.ssl.truststore.location",
                                                certs.resolve("missing.jks").toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.ssl.truststore.location")
                .hasMessageContaining("no such file");
    }

    private static Map<String, Object> config(String url, String... keyValues) {
        Map<String, Object> config = new HashMap<>();
        config.put(SchemaRegistryClients.SCHEMA_REGISTRY_URL_CONFIG, url);
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put(keyValues[i], keyValues[i + 1]);
        }
        return config;
    }

    private static Map<String, Object> trust(Path file, String type, String password) {
        Map<String, Object> tls = new HashMap<>();
        tls.put("schema.registry.ssl.truststore.location", file.toString());
        tls.put("schema.registry.ssl.truststore.type", type);
        if (password != null) {
            tls.put("schema.registry.ssl.truststore.password", password);
        }
        return tls;
    }

    private String startHttp() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serve();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private String startHttps(boolean needClientAuth) throws Exception {
        HttpsServer https =
                HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(serverStore)) {
            keys.load(in, Keytool.PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf =
                KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, Keytool.PASSWORD.toCharArray());
        KeyStore clients = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(clientStore)) {
            clients.load(in, Keytool.PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(clients);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        https.setHttpsConfigurator(
                new HttpsConfigurator(context) {
                    @Override
                    public void configure(HttpsParameters params) {
                        SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
                        parameters.setNeedClientAuth(needClientAuth);
                        params.setSSLParameters(parameters);
                    }
                });
        server = https;
        serve();
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    private void serve() {
        server.createContext("/", this::handle)
                .setAuthenticator(
                        new BasicAuthenticator("registry") {
                            @Override
                            public boolean checkCredentials(String user, String password) {
                                return user.equals("alice") && password.equals("s3cret");
                            }
                        });
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            lastAuthorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            boolean subjects = exchange.getRequestURI().getPath().equals("/subjects");
            byte[] body =
                    (subjects
                                    ? "[\"images-value\"]"
                                    : "{\"error_code\":40403,\"message\":\"Schema not found\"}")
                            .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders()
                    .set("Content-Type", RestSchemaRegistryClient.CONTENT_TYPE);
            exchange.sendResponseHeaders(subjects ? 200 : 404, body.length);
            exchange.getResponseBody().write(body);
        }
    }
}

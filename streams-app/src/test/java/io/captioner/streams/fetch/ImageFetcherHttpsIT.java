package io.captioner.streams.fetch;

import static io.captioner.streams.fetch.ImageFetcherPolicyTest.fetchFailure;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.captioner.streams.fetch.ImageFetchException.Reason;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The TLS path of the fetcher's HTTP client against a local HTTPS server with a self-signed
 * certificate for localhost/127.0.0.1 ({@code src/test/resources/tls}).
 */
class ImageFetcherHttpsIT {

    private static final byte[] IMAGE = "secure pixels".getBytes(StandardCharsets.US_ASCII);
    private static final char[] PASSWORD = "changeit".toCharArray();

    private HttpsServer server;
    private ExecutorService threads;
    private X509TrustManager trustingTestCert;

    @BeforeEach
    void start() throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = getClass().getResourceAsStream("/tls/loopback.p12")) {
            keyStore.load(in, PASSWORD);
        }
        KeyManagerFactory kmf =
                KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, PASSWORD);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keyStore);
        trustingTestCert = (X509TrustManager) tmf.getTrustManagers()[0];

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
        threads = Executors.newCachedThreadPool();
        server.setExecutor(threads);
        server.createContext(
                "/cat.jpg",
                ex -> {
                    ex.sendResponseHeaders(200, IMAGE.length);
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write(IMAGE);
                    }
                });
        server.createContext(
                "/downgrade",
                ex -> {
                    ex.getResponseHeaders().set("Location", "http://127.0.0.1:1/cat.jpg");
                    ex.sendResponseHeaders(302, -1);
                    ex.close();
                });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        threads.shutdownNow();
    }

    private int port() {
        return server.getAddress().getPort();
    }

    private ImageFetcher.Builder local() {
        return ImageFetcher.builder()
                .optHttpEnabled(true)
                .optAllowPrivateNetworks(true)
                .optReadTimeout(Duration.ofSeconds(5));
    }

    @Test
    void shouldFetchOverTlsWhenCertificateIsTrustedAndMatchesHost() throws Exception {
        ImageFetcher fetcher = local().optTrustManager(trustingTestCert).build();

        assertThat(fetcher.fetch("https://127.0.0.1:" + port() + "/cat.jpg"))
                .containsExactly(IMAGE);
        assertThat(fetcher.fetch("https://localhost:" + port() + "/cat.jpg"))
                .containsExactly(IMAGE);
    }

    @Test
    void shouldFailWhenCertificateIsNotTrusted() {
        ImageFetchException e =
                fetchFailure(local().build(), "https://127.0.0.1:" + port() + "/cat.jpg");

        assertThat(e.reason()).isEqualTo(Reason.FETCH_FAILED);
    }

    @Test
    void shouldVerifyHostNameAgainstCertificate() {
        // Trusted certificate, but issued for localhost/127.0.0.1, not for this name.
        ImageFetcher fetcher =
                local().optTrustManager(trustingTestCert)
                        .optHostResolver(host -> List.of(InetAddress.getLoopbackAddress()))
                        .build();

        ImageFetchException e =
                fetchFailure(fetcher, "https://images.invalid:" + port() + "/cat.jpg");

        assertThat(e.reason()).isEqualTo(Reason.FETCH_FAILED);
        assertThat(e.getMessage()).containsIgnoringCase("images.invalid");
    }

    @Test
    void shouldRefuseRedirectFromHttpsToHttp() {
        ImageFetcher fetcher = local().optTrustManager(trustingTestCert).build();

        ImageFetchException e = fetchFailure(fetcher, "https://127.0.0.1:" + port() + "/downgrade");

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN_URI);
        assertThat(e.getMessage()).contains("downgrade");
    }
}

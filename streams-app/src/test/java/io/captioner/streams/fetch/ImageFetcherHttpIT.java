package io.captioner.streams.fetch;

import static io.captioner.streams.fetch.ImageFetcherPolicyTest.fetchFailure;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.captioner.streams.fetch.ImageFetchException.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP policy against real servers on the loopback interface; nothing else is contacted. */
class ImageFetcherHttpIT {

    private static final byte[] IMAGE =
            "\u00ff\u00d8 pretend jpeg".getBytes(StandardCharsets.ISO_8859_1);
    private static final int MAX_BYTES = 1024;

    private HttpServer server;
    private ExecutorService serverThreads;
    private final CountDownLatch releaseSlow = new CountDownLatch(1);
    private final AtomicInteger requests = new AtomicInteger();
    private final Queue<String> hostHeaders = new ConcurrentLinkedQueue<>();
    private final Queue<String> requestTargets = new ConcurrentLinkedQueue<>();
    private final Queue<InetSocketAddress> clients = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        route("/cat.jpg", ex -> respond(ex, 200, IMAGE));
        route("/big-with-length", ex -> respond(ex, 200, new byte[MAX_BYTES + 1]));
        route(
                "/big-chunked",
                ex -> {
                    ex.sendResponseHeaders(200, 0); // 0 = chunked in the JDK server
                    try (OutputStream out = ex.getResponseBody()) {
                        for (int i = 0; i < 8; i++) {
                            out.write(new byte[256]);
                            out.flush();
                        }
                    }
                });
        route(
                "/small-chunked",
                ex -> {
                    ex.sendResponseHeaders(200, 0);
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write(IMAGE, 0, 5);
                        out.flush();
                        out.write(IMAGE, 5, IMAGE.length - 5);
                    }
                });
        route(
                "/slow",
                ex -> {
                    try {
                        releaseSlow.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    respond(ex, 200, IMAGE);
                });
        route("/missing", ex -> respond(ex, 404, "not here".getBytes(StandardCharsets.UTF_8)));
        route("/redirect-ok", ex -> redirect(ex, "/cat.jpg"));
        route("/redirect-twice", ex -> redirect(ex, "/redirect-ok"));
        route("/redirect-file", ex -> redirect(ex, "file:///etc/passwd"));
        route("/redirect-ftp", ex -> redirect(ex, "ftp://127.0.0.1/cat.jpg"));
        route("/redirect-metadata", ex -> redirect(ex, "http://169.254.169.254/latest/meta-data/"));
        route("/redirect-loop", ex -> redirect(ex, "/redirect-loop"));
        route(
                "/redirect-other-internal",
                ex -> redirect(ex, "http://other.internal:" + port() + "/cat.jpg"));
        route(
                "/redirect-no-location",
                ex -> {
                    ex.sendResponseHeaders(302, -1);
                    ex.close();
                });
        server.start();
    }

    @AfterEach
    void stopServer() {
        releaseSlow.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private void route(String path, HttpHandler handler) {
        server.createContext(
                path,
                ex -> {
                    requests.incrementAndGet();
                    hostHeaders.add(ex.getRequestHeaders().getFirst("Host"));
                    requestTargets.add(ex.getRequestURI().toString());
                    clients.add(ex.getRemoteAddress());
                    try {
                        handler.handle(ex);
                    } finally {
                        ex.close();
                    }
                });
    }

    private static void respond(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static void redirect(HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().set("Location", location);
        ex.sendResponseHeaders(302, -1);
    }

    private int port() {
        return server.getAddress().getPort();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** Loopback opened through the allow-list, as an operator would open an object store. */
    private static ImageFetcher.Builder local() {
        return ImageFetcher.builder()
                .optHttpEnabled(true)
                .optAllowedNetwork("127.0.0.0/8")
                .optMaxBytes(MAX_BYTES)
                .optReadTimeout(Duration.ofSeconds(5));
    }

    /** Every name resolves to loopback, where the test servers listen. */
    private static HostResolver everythingIsLoopback() {
        return host -> List.of(InetAddress.getLoopbackAddress());
    }

    @Test
    void shouldRefuseLoopbackByDefaultWithoutSendingARequest() {
        ImageFetcher fetcher = ImageFetcher.builder().optHttpEnabled(true).build();

        ImageFetchException e = fetchFailure(fetcher, url("/cat.jpg"));

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN_URI);
        assertThat(e.getMessage()).contains("127.0.0.1", "loopback");
        assertThat(requests).hasValue(0);
    }

    @Test
    void shouldRefuseWhenHttpDisabledWithoutSendingARequest() {
        ImageFetcher fetcher = ImageFetcher.builder().optAllowPrivateNetworks(true).build();

        assertThat(fetchFailure(fetcher, url("/cat.jpg")).reason()).isEqualTo(Reason.FORBIDDEN_URI);
        assertThat(requests).hasValue(0);
    }

    @Test
    void shouldFetchFromLoopbackWhenPrivateNetworksAllowed() throws Exception {
        byte[] bytes = local().build().fetch(url("/cat.jpg?size=small"));

        assertThat(bytes).containsExactly(IMAGE);
        assertThat(requestTargets).containsExactly("/cat.jpg?size=small");
        assertThat(hostHeaders).containsExactly("127.0.0.1:" + server.getAddress().getPort());
    }

    @Test
    void shouldFetchFromLoopbackWithTheDeprecatedPrivateNetworksSwitch() throws Exception {
        ImageFetcher fetcher =
                ImageFetcher.builder()
                        .optHttpEnabled(true)
                        .optAllowPrivateNetworks(true)
                        .optReadTimeout(Duration.ofSeconds(5))
                        .build();

        assertThat(fetcher.fetch(url("/cat.jpg"))).containsExactly(IMAGE);
    }

    @Test
    void shouldFetchFromAllowListedPrivateHost() throws Exception {
        ImageFetcher fetcher =
                ImageFetcher.builder()
                        .optHttpEnabled(true)
                        .optAllowedHost("store.internal")
                        .optHostResolver(everythingIsLoopback())
                        .build();

        byte[] bytes = fetcher.fetch("http://store.internal:" + port() + "/cat.jpg");

        assertThat(bytes).containsExactly(IMAGE);
        assertThat(hostHeaders).containsExactly("store.internal:" + port());
    }

    @Test
    void shouldRefusePrivateHostThatIsNotAllowListedWithoutSendingARequest() {
        ImageFetcher fetcher =
                ImageFetcher.builder()
                        .optHttpEnabled(true)
                        .optAllowedHost("store.internal")
                        .optHostResolver(everythingIsLoopback())
                        .build();

        ImageFetchException e =
                fetchFailure(fetcher, "http://other.internal:" + port() + "/cat.jpg");

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN_URI);
        assertThat(e.getMessage()).contains("other.internal", "loopback", "not allowed");
        assertThat(requests).hasValue(0);
    }

    @Test
    void shouldRefuseRedirectFromAllowListedHostToAnotherPrivateHost() {
        ImageFetcher fetcher =
                ImageFetcher.builder()
                        .optHttpEnabled(true)
                        .optAllowedHost("store.internal")
                        .optHostResolver(everythingIsLoopback())
                        .build();

        ImageFetchException e =
                fetchFailure(
                        fetcher, "http://store.internal:" + port() + "/redirect-other-internal");

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN_URI);
        assertThat(e.getMessage()).contains("other.internal", "redirected from");
        assertThat(requestTargets).containsExactly("/redirect-other-internal");
    }

    @Test
    void shouldReuseOneConnectionForRepeatedFetchesFromOneHost() throws Exception {
        try (ImageFetcher fetcher = local().build()) {
            for (int i = 0; i < 3; i++) {
                assertThat(fetcher.fetch(url("/cat.jpg"))).containsExactly(IMAGE);
            }

            assertThat(clients).hasSize(3);
            assertThat(Set.copyOf(clients)).as("client address:port per request").hasSize(1);
            assertThat(fetcher.idleConnections()).isEqualTo(1);
        }
    }

    @Test
    void shouldConnectToTheCheckedAddressAndSendTheNameAsHost() throws Exception {
        ImageFetcher fetcher =
                local().optHostResolver(host -> List.of(InetAddress.getLoopbackAddress())).build();
        int port = server.getAddress().getPort();

        byte[] bytes = fetcher.fetch("http://images.invalid:" + port + "/cat.jpg");

        assertThat(bytes).containsExactly(IMAGE);
        assertThat(hostHeaders).containsExactly("images.invalid:" + port);
    }

    @Test
    void shouldFetchChunkedBodyWithinLimit() throws Exception {
        assertThat(local().build().fetch(url("/small-chunked"))).containsExactly(IMAGE);
    }

    @Test
    void shouldRefuseOversizedBodyFromContentLengthBeforeReadingIt() {
        ImageFetchException e = fetchFailure(local().build(), url("/big-with-length"));

        assertThat(e.reason()).isEqualTo(Reason.IMAGE_TOO_LARGE);
        assertThat(e.getMessage()).contains("announces " + (MAX_BYTES + 1) + " bytes");
    }

    @Test
    void shouldRefuseOversizedChunkedBodyWhileStreaming() {
        ImageFetchException e = fetchFailure(local().build(), url("/big-chunked"));

        assertThat(e.reason()).isEqualTo(Reason.IMAGE_TOO_LARGE);
        assertThat(e.getMessage()).contains("more than " + MAX_BYTES + " bytes");
    }

    @Test
    void shouldRefuseOversizedCloseDelimitedBodyWhileStreaming() throws Exception {
        try (RawHttpServer raw =
                new RawHttpServer(
                        out -> {
                            out.write(
                                    "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"
                                            .getBytes(StandardCharsets.US_ASCII));
                            out.write(new byte[MAX_BYTES * 4]);
                        })) {

            ImageFetchException e = fetchFailure(local().build(), raw.url("/endless"));

            assertThat(e.reason()).isEqualTo(Reason.IMAGE_TOO_LARGE);
        }
    }

    @Test
    void shouldReadCloseDelimitedBodyWithinLimit() throws Exception {
        try (RawHttpServer raw =
                new RawHttpServer(
                        out -> {
                            out.write(
                                    "HTTP/1.1 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                            out.write(IMAGE);
                        })) {

            assertThat(local().build().fetch(raw.url("/img"))).containsExactly(IMAGE);
        }
    }

    @Test
    void shouldFailWhenConnectionClosesBeforeContentLengthIsReached() throws Exception {
        try (RawHttpServer raw =
                new RawHttpServer(
                        out ->
                                out.write(
                                        "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort"
                                                .getBytes(StandardCharsets.US_ASCII)))) {

            ImageFetchException e = fetchFailure(local().build(), raw.url("/truncated"));

            assertThat(e.reason()).isEqualTo(Reason.FETCH_FAILED);
            assertThat(e.getMessage()).contains("missing");
        }
    }

    @Test
    void shouldTimeOutOnServerThatNeverAnswers() {
        ImageFetcher fetcher = local().optReadTimeout(Duration.ofMillis(300)).build();

        ImageFetchException e = fetchFailure(fetcher, url("/slow"));

        assertThat(e.reason()).isEqualTo(Reason.FETCH_FAILED);
        assertThat(e.getMessage()).contains("timed out");
    }

    @Test
    void shouldTimeOutOnServerThatTricklesBytesFasterThanEachReadTimesOut() throws Exception {
        // Every single read succeeds quickly; only a deadline over the whole fetch stops this.
        try (RawHttpServer raw =
                new RawHttpServer(
                        out -> {
                            out.write(
                                    "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
                                            .getBytes(StandardCharsets.US_ASCII));
                            for (int i = 0; i < 1000; i++) {
                                out.write('x');
                                out.flush();
                                Thread.sleep(50);
                            }
                        })) {
            ImageFetcher fetcher = local().optReadTimeout(Duration.ofMillis(300)).build();

            ImageFetchException e = fetchFailure(fetcher, raw.url("/trickle"));

            assertThat(e.reason()).isEqualTo(Reason.FETCH_FAILED);
            assertThat(e.getMessage()).contains("timed out");
        }
    }

    @Test
    void shouldCutNeverAnsweringServerAtTheDeadlineAndReleaseThreadAndConnection()
            throws Exception {
        CountDownLatch clientClosed = new CountDownLatch(1);
        ExecutorService worker = Executors.newSingleThreadExecutor();
        try (RawHttpServer silent =
                        RawHttpServer.handling(socket -> awaitClientClose(socket, clientClosed));
                ImageFetcher fetcher = local().optReadTimeout(Duration.ofMillis(300)).build()) {

            Future<ImageFetchException> fetch =
                    worker.submit(() -> fetchFailure(fetcher, silent.url("/never")));

            ImageFetchException e = fetch.get(20, TimeUnit.SECONDS);
            assertThat(e.reason()).isEqualTo(Reason.FETCH_FAILED);
            assertThat(e.getMessage()).contains("timed out");
            assertThat(clientClosed.await(10, TimeUnit.SECONDS))
                    .as("the fetcher closed its connection")
                    .isTrue();
            assertThat(worker.submit(() -> "free").get(5, TimeUnit.SECONDS)).isEqualTo("free");
            assertThat(fetcher.idleConnections()).isZero();
        } finally {
            worker.shutdownNow();
        }
    }

    @Test
    void shouldEndFetchAtOnceWhenItsThreadIsInterrupted() throws Exception {
        CountDownLatch accepted = new CountDownLatch(1);
        CountDownLatch clientClosed = new CountDownLatch(1);
        AtomicReference<ImageFetchException> failure = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        try (RawHttpServer silent =
                        RawHttpServer.handling(
                                socket -> {
                                    accepted.countDown();
                                    awaitClientClose(socket, clientClosed);
                                });
                ImageFetcher fetcher = local().optReadTimeout(Duration.ofMinutes(5)).build()) {
            Thread worker =
                    new Thread(
                            () -> {
                                failure.set(fetchFailure(fetcher, silent.url("/never")));
                                stillInterrupted.set(Thread.currentThread().isInterrupted());
                            });
            worker.start();
            assertThat(accepted.await(10, TimeUnit.SECONDS)).isTrue();

            worker.interrupt();
            worker.join(TimeUnit.SECONDS.toMillis(10));

            assertThat(worker.isAlive()).as("worker still blocked in the fetch").isFalse();
            assertThat(failure.get().reason()).isEqualTo(Reason.FETCH_FAILED);
            assertThat(failure.get().getMessage()).contains("interrupted");
            assertThat(stillInterrupted).as("interrupt flag kept").isTrue();
            assertThat(clientClosed.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void shouldEndFetchWhenItsThreadIsInterruptedDuringAHungDnsLookup() throws Exception {
        CountDownLatch resolving = new CountDownLatch(1);
        AtomicReference<ImageFetchException> failure = new AtomicReference<>();
        ImageFetcher fetcher =
                ImageFetcher.builder()
                        .optHttpEnabled(true)
                        .optConnectTimeout(Duration.ofMinutes(5))
                        .optReadTimeout(Duration.ofMinutes(5))
                        .optHostResolver(hungResolver(resolving))
                        .build();
        try (fetcher) {
            Thread worker =
                    new Thread(
                            () -> failure.set(fetchFailure(fetcher, "http://hung.example/x.jpg")));
            worker.start();
            assertThat(resolving.await(10, TimeUnit.SECONDS)).isTrue();

            worker.interrupt();
            worker.join(TimeUnit.SECONDS.toMillis(10));

            assertThat(worker.isAlive()).isFalse();
            assertThat(failure.get().reason()).isEqualTo(Reason.FETCH_FAILED);
            assertThat(failure.get().getMessage()).contains("interrupted");
        }
    }

    @Test
    void shouldGiveUpOnADnsLookupAfterTheConnectTimeout() {
        try (ImageFetcher fetcher =
                ImageFetcher.builder()
                        .optHttpEnabled(true)
                        .optConnectTimeout(Duration.ofMillis(200))
                        .optHostResolver(hungResolver(new CountDownLatch(1)))
                        .build()) {

            ImageFetchException e = fetchFailure(fetcher, "http://hung.example/x.jpg");

            assertThat(e.reason()).isEqualTo(Reason.FETCH_FAILED);
            assertThat(e.getMessage()).contains("hung.example", "longer than 200 ms");
        }
    }

    /** A resolver that counts {@code entered} down and then hangs until interrupted. */
    private static HostResolver hungResolver(CountDownLatch entered) {
        return host -> {
            entered.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new UnknownHostException("resolver interrupted");
        };
    }

    /** Blocks until the client closes the connection, then counts {@code closed} down. */
    private static void awaitClientClose(Socket socket, CountDownLatch closed) throws IOException {
        try {
            while (socket.getInputStream().read() >= 0) {
                // the request was read already; a well-behaved client sends nothing more
            }
        } catch (IOException e) {
            // reset by the client: closed as well
        }
        closed.countDown();
    }

    @Test
    void shouldFailWithStatusOnNotFound() {
        ImageFetchException e = fetchFailure(local().build(), url("/missing"));

        assertThat(e.reason()).isEqualTo(Reason.FETCH_FAILED);
        assertThat(e.httpStatus()).hasValue(404);
        assertThat(e.getMessage()).contains("HTTP 404");
    }

    @Test
    void shouldFailWhenNothingListens() throws Exception {
        String closedPort;
        try (RawHttpServer raw = new RawHttpServer(out -> {})) {
            closedPort = raw.url("/gone");
        }

        ImageFetchException e = fetchFailure(local().build(), closedPort);

        assertThat(e.reason()).isEqualTo(Reason.FETCH_FAILED);
        assertThat(e.getMessage()).contains("cannot connect");
    }

    @Test
    void shouldFollowRedirectsWithinLimit() throws Exception {
        assertThat(local().build().fetch(url("/redirect-twice"))).containsExactly(IMAGE);
        assertThat(requestTargets).containsExactly("/redirect-twice", "/redirect-ok", "/cat.jpg");
    }

    @Test
    void shouldRefuseRedirectsWhenLimitIsZero() {
        ImageFetchException e =
                fetchFailure(local().optMaxRedirects(0).build(), url("/redirect-ok"));

        assertThat(e.reason()).isEqualTo(Reason.FETCH_FAILED);
        assertThat(e.getMessage()).contains("redirect limit of 0");
        assertThat(requestTargets).containsExactly("/redirect-ok");
    }

    @Test
    void shouldStopRedirectLoopAtLimit() {
        ImageFetchException e = fetchFailure(local().build(), url("/redirect-loop"));

        assertThat(e.reason()).isEqualTo(Reason.FETCH_FAILED);
        assertThat(e.getMessage()).contains("redirect limit of 3");
        assertThat(requests).hasValue(4);
    }

    @Test
    void shouldRefuseRedirectToFileUri() {
        ImageFetchException e = fetchFailure(local().build(), url("/redirect-file"));

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN_URI);
        assertThat(e.getMessage()).contains("redirect");
    }

    @Test
    void shouldRefuseRedirectToOtherScheme() {
        assertThat(fetchFailure(local().build(), url("/redirect-ftp")).reason())
                .isEqualTo(Reason.FORBIDDEN_URI);
    }

    @Test
    void shouldRefuseRedirectToMetadataAddressWithoutConnecting() {
        ImageFetchException e = fetchFailure(local().build(), url("/redirect-metadata"));

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN_URI);
        assertThat(e.getMessage()).contains("169.254.169.254", "redirected from");
    }

    @Test
    void shouldFailOnRedirectWithoutLocation() {
        ImageFetchException e = fetchFailure(local().build(), url("/redirect-no-location"));

        assertThat(e.reason()).isEqualTo(Reason.FETCH_FAILED);
        assertThat(e.getMessage()).contains("without a Location");
    }

    @Test
    void shouldFailOnGarbageResponse() throws Exception {
        try (RawHttpServer raw =
                new RawHttpServer(
                        out ->
                                out.write(
                                        "SSH-2.0-OpenSSH\r\n\r\n"
                                                .getBytes(StandardCharsets.US_ASCII)))) {

            ImageFetchException e = fetchFailure(local().build(), raw.url("/"));

            assertThat(e.reason()).isEqualTo(Reason.FETCH_FAILED);
            assertThat(e.getMessage()).contains("status line");
        }
    }

    @Test
    void shouldFailOnMalformedChunkSize() throws Exception {
        try (RawHttpServer raw =
                new RawHttpServer(
                        out ->
                                out.write(
                                        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                                        + "zz\r\nabc\r\n0\r\n\r\n")
                                                .getBytes(StandardCharsets.US_ASCII)))) {

            ImageFetchException e = fetchFailure(local().build(), raw.url("/chunks"));

            assertThat(e.reason()).isEqualTo(Reason.FETCH_FAILED);
            assertThat(e.getMessage()).contains("bad chunk size");
        }
    }

    @Test
    void shouldFailOnCompressedBodyItNeverAskedFor() throws Exception {
        try (RawHttpServer raw =
                new RawHttpServer(
                        out ->
                                out.write(
                                        ("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
                                                        + "Content-Length: 3\r\n\r\nabc")
                                                .getBytes(StandardCharsets.US_ASCII)))) {

            ImageFetchException e = fetchFailure(local().build(), raw.url("/gz"));

            assertThat(e.reason()).isEqualTo(Reason.FETCH_FAILED);
            assertThat(e.getMessage()).contains("Content-Encoding");
        }
    }

    @Test
    void shouldFailOnConflictingContentLengths() throws Exception {
        try (RawHttpServer raw =
                new RawHttpServer(
                        out ->
                                out.write(
                                        ("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
                                                        + "Content-Length: 30\r\n\r\nabc")
                                                .getBytes(StandardCharsets.US_ASCII)))) {

            ImageFetchException e = fetchFailure(local().build(), raw.url("/smuggle"));

            assertThat(e.reason()).isEqualTo(Reason.FETCH_FAILED);
            assertThat(e.getMessage()).contains("conflicting Content-Length");
        }
    }
}

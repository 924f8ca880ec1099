package io.captioner.streams.fetch;

import static io.captioner.streams.fetch.FetchPolicy.clip;
import static io.captioner.streams.fetch.FetchPolicy.describe;
import static io.captioner.streams.fetch.ImageFetchException.failed;
import static io.captioner.streams.fetch.ImageFetchException.forbidden;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.Proxy;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches http(s) claim-checks with OkHttp under {@link FetchPolicy}.
 *
 * <p>OkHttp supplies HTTP/1.1 and HTTP/2, TLS with hostname verification and SNI, response framing
 * and a connection pool, so repeated fetches from one object store reuse their connections. This
 * class configures it so that every security property of the policy holds:
 *
 * <ul>
 *   <li>No proxy ({@link Proxy#NO_PROXY}; system proxy settings are ignored), no cookies, no cache.
 *   <li>Redirects are not followed by OkHttp: each hop is a new call whose URI, host and addresses
 *       go through the whole policy again, at most {@link FetchPolicy#maxRedirects()} of them,
 *       never from https to http.
 *   <li>Connections go only to checked addresses: IP literals are checked before the call, names by
 *       {@link PinningDns} as OkHttp resolves them.
 *   <li>The read timeout is a deadline for the whole fetch, every hop and the body included: each
 *       call's timeout is set to what is left, and OkHttp's watchdog closes the socket when it
 *       passes, so a server trickling one byte at a time cannot stretch it.
 *   <li>At most the byte limit is buffered: Content-Length is checked first, then bytes are counted
 *       while reading (chunked and close-delimited bodies included). Only identity encoding is
 *       asked for and accepted.
 *   <li>Calls run on the caller's thread over {@link InterruptibleSocketFactory} sockets, so
 *       interrupting that thread ends the fetch and closes its connection.
 * </ul>
 */
final class HttpImageSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpImageSource.class);
    private static final String USER_AGENT = "captioner-image-fetcher";

    private final FetchPolicy policy;
    private final long maxBytes;
    private final Duration readTimeout;
    private final PinningDns dns;
    private final OkHttpClient client;

    /** The settings of the OkHttp client; {@code trustManager} null means the JVM default. */
    record Settings(
            Duration connectTimeout,
            Duration readTimeout,
            long maxBytes,
            X509TrustManager trustManager,
            int maxIdleConnections,
            Duration keepAlive) {}

    HttpImageSource(FetchPolicy policy, HostResolver resolver, Settings settings) {
        this.policy = policy;
        this.maxBytes = settings.maxBytes();
        this.readTimeout = settings.readTimeout();
        this.dns = new PinningDns(resolver, policy, settings.connectTimeout());
        OkHttpClient.Builder builder =
                new OkHttpClient.Builder()
                        .proxy(Proxy.NO_PROXY)
                        .dns(dns)
                        .socketFactory(new InterruptibleSocketFactory())
                        .followRedirects(false)
                        .followSslRedirects(false)
                        // Connect to one address at a time on the caller's thread, not racing
                        // them on OkHttp's threads, so an interrupt reaches the connect.
                        .fastFallback(false)
                        .connectionPool(
                                new ConnectionPool(
                                        settings.maxIdleConnections(),
                                        settings.keepAlive().toMillis(),
                                        TimeUnit.MILLISECONDS))
                        .connectTimeout(settings.connectTimeout())
                        .readTimeout(settings.readTimeout())
                        .writeTimeout(settings.readTimeout())
                        .callTimeout(settings.readTimeout());
        if (settings.trustManager() != null) {
            builder.sslSocketFactory(
                    sslContext(settings.trustManager()).getSocketFactory(),
                    settings.trustManager());
        }
        this.client = builder.build();
    }

    private static SSLContext sslContext(X509TrustManager trustManager) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustManager}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a TLS context", e);
        }
    }

    /** Connections held open for reuse right now. */
    int idleConnections() {
        return client.connectionPool().idleConnectionCount();
    }

    byte[] fetch(URI first) throws ImageFetchException {
        Deadline deadline = Deadline.after(readTimeout);
        URI current = first;
        for (int hop = 0; ; hop++) {
            URI redirectedFrom = hop == 0 ? null : first;
            String via = FetchPolicy.via(redirectedFrom);
            FetchPolicy.HttpTarget target = policy.httpTarget(current, redirectedFrom);
            HttpUrl url = toHttpUrl(current, target, via);
            policy.checkHost(url.host(), via);
            try {
                Call call = client.newCall(request(url));
                call.timeout().timeout(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
                try (Response response = call.execute()) {
                    int status = response.code();
                    if (FetchPolicy.isRedirect(status)) {
                        URI next =
                                policy.redirect(current, response.header("Location"), status, hop);
                        LOG.debug(
                                "Following {} redirect from {} to {}",
                                status,
                                describe(current),
                                describe(next));
                        current = next;
                        continue;
                    }
                    if (status < 200 || status > 299) {
                        throw ImageFetchException.httpStatus(
                                status, "HTTP " + status + " from " + describe(current));
                    }
                    byte[] bytes = readBody(response, current, deadline);
                    LOG.debug("Fetched {} bytes from {}", bytes.length, describe(current));
                    return bytes;
                }
            } catch (PinningDns.RefusedAddressException e) {
                throw forbidden(e.getMessage() + via);
            } catch (IOException e) {
                throw failure(e, current, target, deadline, via);
            }
        }
    }

    /**
     * OkHttp's own parse of the URI, which is what it connects to; refused when it disagrees with
     * {@code java.net.URI} on the host or port, so the policy never checks one host while the
     * client connects to another.
     */
    private static HttpUrl toHttpUrl(URI uri, FetchPolicy.HttpTarget target, String via)
            throws ImageFetchException {
        HttpUrl url = HttpUrl.parse(uri.toString());
        if (url == null) {
            throw forbidden("malformed http(s) URI: " + describe(uri) + via);
        }
        boolean sameHost =
                FetchPolicy.looksLikeIpLiteral(url.host())
                        || url.host().equals(target.host().toLowerCase(Locale.ROOT));
        if (!sameHost || url.port() != target.port()) {
            throw forbidden("ambiguous http(s) URI (host or port unclear): " + describe(uri) + via);
        }
        return url;
    }

    private static Request request(HttpUrl url) {
        return new Request.Builder()
                .url(url)
                .header("User-Agent", USER_AGENT)
                .header("Accept", "image/*, */*;q=0.5")
                // Set explicitly so OkHttp neither asks for nor transparently inflates gzip: a
                // compressed body could expand far past the byte limit.
                .header("Accept-Encoding", "identity")
                .get()
                .build();
    }

    private byte[] readBody(Response response, URI uri, Deadline deadline)
            throws IOException, ImageFetchException {
        String encoding = response.header("Content-Encoding");
        if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
            throw failed(
                    "unsupported Content-Encoding '" + clip(encoding) + "' from " + describe(uri),
                    null);
        }
        if (response.code() == 204) {
            return new byte[0];
        }
        boolean chunked = isChunked(response.headers("Transfer-Encoding"), uri);
        long contentLength = -1;
        if (!chunked) {
            contentLength = contentLength(response.headers("Content-Length"), uri);
            if (contentLength > maxBytes) {
                throw ImageFetchException.tooLarge(
                        describe(uri) + " announces " + contentLength + " bytes", maxBytes);
            }
        }
        CountingInputStream body = new CountingInputStream(response.body().byteStream());
        try {
            return BoundedRead.readAll(body, contentLength, maxBytes, describe(uri));
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted() || deadline.expired()) {
                throw e;
            }
            if (chunked && e instanceof ProtocolException) {
                throw failed("bad chunk size in the chunked body from " + describe(uri), e);
            }
            if (contentLength >= 0 && body.count < contentLength) {
                throw failed(
                        "connection closed after "
                                + body.count
                                + " of "
                                + contentLength
                                + " bytes from "
                                + describe(uri)
                                + " ("
                                + (contentLength - body.count)
                                + " missing)",
                        e);
            }
            throw e;
        }
    }

    /** Only a single, plain {@code chunked} transfer coding is accepted. */
    private static boolean isChunked(List<String> transferEncodings, URI uri)
            throws ImageFetchException {
        if (transferEncodings.isEmpty()) {
            return false;
        }
        String[] codings = transferEncodings.get(transferEncodings.size() - 1).split(",");
        boolean chunked = codings[codings.length - 1].trim().equalsIgnoreCase("chunked");
        if (!chunked || transferEncodings.size() > 1 || codings.length > 1) {
            throw failed(
                    "unsupported Transfer-Encoding '"
                            + clip(String.join(", ", transferEncodings))
                            + "' from "
                            + describe(uri),
                    null);
        }
        return true;
    }

    /**
     * The one Content-Length of the response, or -1: OkHttp would silently use the last of several,
     * and treat an invalid one as absent, so both are refused here (the classic smuggling
     * ambiguities).
     */
    private static long contentLength(List<String> values, URI uri) throws ImageFetchException {
        long length = -1;
        for (String value : values) {
            for (String part : value.split(",", -1)) {
                String digits = part.trim();
                if (digits.isEmpty()
                        || digits.length() > 18
                        || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw failed(
                            "invalid Content-Length '" + clip(value) + "' from " + describe(uri),
                            null);
                }
                long parsed = Long.parseLong(digits);
                if (length >= 0 && parsed != length) {
                    throw failed("conflicting Content-Length headers from " + describe(uri), null);
                }
                length = parsed;
            }
        }
        return length;
    }

    private static ImageFetchException failure(
            IOException e, URI uri, FetchPolicy.HttpTarget target, Deadline deadline, String via) {
        if (Thread.currentThread().isInterrupted()) {
            return failed("interrupted while fetching " + describe(uri) + via, e);
        }
        if (deadline.expired() || e instanceof InterruptedIOException) {
            return failed(
                    "timed out fetching "
                            + describe(uri)
                            + via
                            + " (deadline "
                            + deadline.budget().toMillis()
                            + " ms: "
                            + e.getMessage()
                            + ")",
                    e);
        }
        if (e instanceof ConnectException || e instanceof NoRouteToHostException) {
            return failed(
                    "cannot connect to "
                            + clip(target.host())
                            + ":"
                            + target.port()
                            + via
                            + ": "
                            + e.getMessage(),
                    e);
        }
        if (e instanceof UnknownHostException) {
            return failed(
                    "cannot resolve host " + clip(target.host()) + via + ": " + e.getMessage(), e);
        }
        return failed("cannot fetch " + describe(uri) + via + ": " + e, e);
    }

    @Override
    public void close() {
        client.connectionPool().evictAll();
        dns.close();
    }

    /** Counts the body bytes read, to say how many were missing when a body ends early. */
    private static final class CountingInputStream extends FilterInputStream {
        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            int n = super.read(buffer, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}

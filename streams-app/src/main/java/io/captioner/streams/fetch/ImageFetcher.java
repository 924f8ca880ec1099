package io.captioner.streams.fetch;

import io.captioner.streams.fetch.ImageFetchException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the claim-check URI of an image event into the image bytes under a security policy, so
 * that a producer who controls the URI can neither read arbitrary local files nor make the
 * captioner call internal services (SSRF).
 *
 * <p>Policy, applied in this order:
 *
 * <ul>
 *   <li>The URI must parse as an absolute URI no longer than {@value #MAX_URI_LENGTH} characters;
 *       only {@code file}, {@code http} and {@code https} schemes exist, every other scheme (jar,
 *       data, ftp, ...) is {@link Reason#FORBIDDEN_URI}.
 *   <li>{@code file:} URIs need at least one allowed directory. The decoded path ({@code %2e%2e}
 *       becomes {@code ..}) must not contain a {@code ..} segment and must lie inside an allowed
 *       directory before the file system is touched (no existence oracle outside); then its real
 *       path ({@link Path#toRealPath}, following symbolic links) must still lie inside the real
 *       path of an allowed directory, and it must be a regular file. Authorities ({@code
 *       file://host/...}), queries and fragments are refused.
 *   <li>{@code http:}/{@code https:} URIs need {@link Builder#optHttpEnabled(boolean)}; user-info
 *       is refused. The host is resolved once with the {@link HostResolver}; every resolved address
 *       must pass {@link AddressClassifier#isPermitted(InetAddress, boolean)}, and the connection
 *       goes to one of exactly those addresses (so a DNS answer that changes between check and
 *       connect cannot redirect it). Proxies are never used.
 *   <li>Redirects (301, 302, 303, 307, 308) are followed manually, at most {@link
 *       Builder#optMaxRedirects(int)} of them (0 refuses all), and each hop goes through the whole
 *       policy again; a redirect may not leave http(s) and may not downgrade https to http.
 *   <li>The connect timeout bounds each TCP connect; the read timeout is a deadline for the whole
 *       fetch, all hops included, re-armed before every socket read so a slowly trickling server
 *       cannot stretch it. DNS resolution itself is not covered by the deadline (the JDK resolver
 *       cannot be interrupted).
 *   <li>At most {@link Builder#optMaxBytes(long)} bytes are ever buffered: a file's size and an
 *       HTTP Content-Length are checked first, and the bytes are counted while reading (chunked and
 *       close-delimited bodies included), stopping one byte past the limit.
 * </ul>
 *
 * <p>Residual risk, documented rather than hidden: a local user who can write inside an allowed
 * directory could swap a path component between the real-path check and the open; the final
 * component is opened with {@link LinkOption#NOFOLLOW_LINKS}. Allowed directories are meant to be
 * written only by the image publisher.
 *
 * <p>HTTP is spoken by a deliberately small HTTP/1.1 client over a plain or TLS socket (GET, {@code
 * Connection: close}, identity encoding, hostname verification and SNI for https) because {@code
 * java.net.http.HttpClient} on Java 17 resolves the host itself and cannot be pinned to the
 * addresses this class checked.
 *
 * <p>Instances are immutable and thread-safe; build them with {@link #builder()}.
 */
public final class ImageFetcher {

    /** Default maximum image size: 16 MiB. */
    public static final long DEFAULT_MAX_BYTES = 16L * 1024 * 1024;

    /** Default TCP connect timeout per attempted address. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);

    /** Default deadline for a whole HTTP fetch, redirects included. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

    /** Default number of redirects followed. */
    public static final int DEFAULT_MAX_REDIRECTS = 3;

    /** URIs longer than this are refused without parsing. */
    public static final int MAX_URI_LENGTH = 8192;

    private static final Logger LOG = LoggerFactory.getLogger(ImageFetcher.class);
    private static final int COPY_BUFFER = 8192;

    private final List<AllowedRoot> allowedRoots;
    private final boolean httpEnabled;
    private final boolean allowPrivateNetworks;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final long maxBytes;
    private final int maxRedirects;
    private final HostResolver resolver;
    private final SSLSocketFactory sslSocketFactory;

    private ImageFetcher(Builder b, List<AllowedRoot> roots, SSLSocketFactory sslSocketFactory) {
        this.allowedRoots = List.copyOf(roots);
        this.httpEnabled = b.httpEnabled;
        this.allowPrivateNetworks = b.allowPrivateNetworks;
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.maxBytes = b.maxBytes;
        this.maxRedirects = b.maxRedirects;
        this.resolver = b.resolver;
        this.sslSocketFactory = sslSocketFactory;
    }

    /** Returns a builder with everything forbidden: no directories, HTTP disabled. */
    public static Builder builder() {
        return new Builder();
    }

    /** The maximum number of bytes a fetched image may have. */
    public long maxBytes() {
        return maxBytes;
    }

    /** The real paths of the allowed directories, in configuration order. */
    public List<Path> allowedDirectories() {
        List<Path> out = new ArrayList<>(allowedRoots.size());
        for (AllowedRoot root : allowedRoots) {
            out.add(root.real);
        }
        return List.copyOf(out);
    }

    /** Whether http(s) URIs may be fetched at all. */
    public boolean httpEnabled() {
        return httpEnabled;
    }

    /**
     * Fetches the bytes behind {@code uri} if the policy allows it.
     *
     * @throws ImageFetchException with {@link Reason#FORBIDDEN_URI} when the policy refuses the URI
     *     or a redirect target, {@link Reason#IMAGE_TOO_LARGE} past the byte limit, and {@link
     *     Reason#FETCH_FAILED} for everything that went wrong while reading an allowed URI
     */
    public byte[] fetch(String uri) throws ImageFetchException {
        Objects.requireNonNull(uri, "uri");
        URI parsed = parse(uri);
        String scheme = parsed.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "file":
                return fetchFile(parsed);
            case "http":
            case "https":
                if (!httpEnabled) {
                    throw forbidden("http(s) fetching is disabled: " + describe(parsed));
                }
                return fetchHttp(parsed);
            default:
                throw forbidden("scheme '" + clip(scheme) + "' is not allowed (file, http, https)");
        }
    }

    private static URI parse(String raw) throws ImageFetchException {
        if (raw.isEmpty()) {
            throw forbidden("empty URI");
        }
        if (raw.length() > MAX_URI_LENGTH) {
            throw forbidden("URI longer than " + MAX_URI_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            throw forbidden("malformed URI '" + clip(raw) + "': " + e.getReason());
        }
        if (!uri.isAbsolute()) {
            throw forbidden("relative URI '" + clip(raw) + "' has no scheme");
        }
        return uri;
    }

    // ---------------------------------------------------------------- file:

    private byte[] fetchFile(URI uri) throws ImageFetchException {
        if (allowedRoots.isEmpty()) {
            throw forbidden("file: URIs are disabled (no allowed directories configured)");
        }
        if (uri.isOpaque() || uri.getRawPath() == null || !uri.getRawPath().startsWith("/")) {
            throw forbidden("file URI must be absolute, like file:///dir/image.jpg: " + clip(uri));
        }
        if (uri.getRawAuthority() != null) {
            throw forbidden("file URI with a host is not allowed: " + clip(uri));
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw forbidden("file URI with a query or fragment is not allowed: " + clip(uri));
        }
        for (String segment : uri.getPath().split("/", -1)) {
            if (segment.equals("..")) {
                throw forbidden("path traversal ('..') in file URI: " + clip(uri));
            }
        }
        Path path;
        try {
            path = Path.of(uri).normalize();
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            throw forbidden("not a usable file path: " + clip(uri) + " (" + e.getMessage() + ")");
        }
        if (!isInside(path, false)) {
            throw forbidden(path + " is outside the allowed directories");
        }
        Path real;
        try {
            real = path.toRealPath();
        } catch (NoSuchFileException e) {
            throw failed("no such file: " + path, e);
        } catch (AccessDeniedException e) {
            throw failed("permission denied: " + path, e);
        } catch (IOException e) {
            throw failed("cannot resolve " + path + ": " + e, e);
        }
        if (!isInside(real, true)) {
            // The link target stays out of the message: it would tell the producer about files
            // outside the allowed directories.
            throw forbidden(
                    path + " resolves through a symbolic link to outside the allowed directories");
        }
        try {
            BasicFileAttributes attrs =
                    Files.readAttributes(
                            real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attrs.isRegularFile()) {
                throw forbidden(real + " is not a regular file");
            }
            if (attrs.size() > maxBytes) {
                throw tooLarge(real + " has " + attrs.size() + " bytes");
            }
            try (SeekableByteChannel channel =
                            Files.newByteChannel(
                                    real,
                                    Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
                    InputStream in = Channels.newInputStream(channel)) {
                return readBounded(in, attrs.size(), real.toString());
            }
        } catch (NoSuchFileException e) {
            throw failed("no such file: " + real, e);
        } catch (AccessDeniedException e) {
            throw failed("permission denied: " + real, e);
        } catch (IOException e) {
            throw failed("cannot read " + real + ": " + e, e);
        }
    }

    private boolean isInside(Path path, boolean real) {
        for (AllowedRoot root : allowedRoots) {
            if (path.startsWith(root.real) || (!real && path.startsWith(root.configured))) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- http(s):

    private byte[] fetchHttp(URI first) throws ImageFetchException {
        Deadline deadline = Deadline.after(readTimeout);
        URI current = first;
        for (int hop = 0; ; hop++) {
            HttpTarget target = checkHttpTarget(current, hop == 0 ? null : first);
            try (Socket socket = connect(target, deadline)) {
                sendRequest(socket, target);
                HttpResponseStream response = HttpResponseStream.read(socket, deadline);
                int status = response.status();
                if (isRedirect(status)) {
                    URI next = redirectTarget(current, response.header("location"), status);
                    if (hop >= maxRedirects) {
                        throw failed(
                                "redirect limit of "
                                        + maxRedirects
                                        + " reached: HTTP "
                                        + status
                                        + " from "
                                        + describe(current)
                                        + " to "
                                        + describe(next),
                                null);
                    }
                    if (current.getScheme().equalsIgnoreCase("https")
                            && !next.getScheme().equalsIgnoreCase("https")) {
                        throw forbidden(
                                "redirect from https to " + describe(next) + " is a downgrade");
                    }
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
                byte[] bytes = readBody(response, status, current);
                LOG.debug("Fetched {} bytes from {}", bytes.length, describe(current));
                return bytes;
            } catch (SocketTimeoutException e) {
                throw failed(
                        "timed out after "
                                + deadline.budget().toMillis()
                                + " ms fetching "
                                + describe(current)
                                + " ("
                                + e.getMessage()
                                + ")",
                        e);
            } catch (IOException e) {
                throw failed("cannot fetch " + describe(current) + ": " + e, e);
            }
        }
    }

    private HttpTarget checkHttpTarget(URI uri, URI redirectedFrom) throws ImageFetchException {
        String via =
                redirectedFrom == null ? "" : " (redirected from " + describe(redirectedFrom) + ")";
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw forbidden("redirect to a non-http(s) URI is not allowed: " + clip(uri) + via);
        }
        if (uri.isOpaque() || uri.getHost() == null) {
            throw forbidden("http(s) URI without a valid host: " + clip(uri) + via);
        }
        if (uri.getRawUserInfo() != null) {
            throw forbidden("http(s) URI with user-info is not allowed: " + describe(uri) + via);
        }
        boolean tls = scheme.equals("https");
        int port = uri.getPort() == -1 ? (tls ? 443 : 80) : uri.getPort();
        if (port < 1 || port > 65535) {
            throw forbidden("port " + port + " out of range: " + describe(uri) + via);
        }
        String host = uri.getHost();
        String bareHost =
                host.startsWith("[") && host.endsWith("]")
                        ? host.substring(1, host.length() - 1)
                        : host;
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(bareHost);
        } catch (UnknownHostException e) {
            throw failed("cannot resolve host " + host + via, e);
        }
        if (addresses == null || addresses.isEmpty()) {
            throw failed("host " + host + " resolved to no addresses" + via, null);
        }
        for (InetAddress address : addresses) {
            if (!AddressClassifier.isPermitted(address, allowPrivateNetworks)) {
                throw forbidden(
                        "host "
                                + host
                                + " resolves to "
                                + address.getHostAddress()
                                + ", a "
                                + AddressClassifier.classify(address)
                                        .name()
                                        .toLowerCase(Locale.ROOT)
                                        .replace('_', '-')
                                + " address"
                                + (allowPrivateNetworks ? "" : " (private networks not allowed)")
                                + via);
            }
        }
        String hostHeader = uri.getPort() == -1 ? host : host + ":" + port;
        String path =
                uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        return new HttpTarget(tls, bareHost, port, hostHeader, target, List.copyOf(addresses));
    }

    private Socket connect(HttpTarget target, Deadline deadline)
            throws IOException, ImageFetchException {
        IOException last = null;
        for (InetAddress address : target.addresses) {
            Socket socket = new Socket(java.net.Proxy.NO_PROXY);
            try {
                int timeout = (int) Math.min(connectTimeout.toMillis(), deadline.remainingMillis());
                socket.connect(new InetSocketAddress(address, target.port), timeout);
                if (!target.tls) {
                    return socket;
                }
                return startTls(socket, target, deadline);
            } catch (IOException e) {
                closeQuietly(socket);
                last = e;
                deadline.remainingMillis(); // gives up with a timeout once the deadline passed
            }
        }
        throw failed(
                "cannot connect to "
                        + target.host
                        + ":"
                        + target.port
                        + " ("
                        + target.addresses.size()
                        + " address(es)): "
                        + last,
                last);
    }

    private Socket startTls(Socket plain, HttpTarget target, Deadline deadline) throws IOException {
        // The JVM default context loads the trust store; only pay for that when https is used.
        SSLSocketFactory factory =
                sslSocketFactory != null
                        ? sslSocketFactory
                        : (SSLSocketFactory) SSLSocketFactory.getDefault();
        SSLSocket tls = (SSLSocket) factory.createSocket(plain, target.host, target.port, true);
        SSLParameters params = tls.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (!target.host.contains(":")
                && !target.host.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
            params.setServerNames(List.of(new SNIHostName(target.host)));
        }
        tls.setSSLParameters(params);
        tls.setSoTimeout(deadline.remainingMillis());
        tls.startHandshake();
        return tls;
    }

    private static void sendRequest(Socket socket, HttpTarget target) throws IOException {
        String request =
                "GET "
                        + target.requestTarget
                        + " HTTP/1.1\r\n"
                        + "Host: "
                        + target.hostHeader
                        + "\r\n"
                        + "User-Agent: captioner-image-fetcher\r\n"
                        + "Accept: image/*, */*;q=0.5\r\n"
                        + "Accept-Encoding: identity\r\n"
                        + "Connection: close\r\n\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private byte[] readBody(HttpResponseStream response, int status, URI uri)
            throws IOException, ImageFetchException {
        String encoding = response.header("content-encoding");
        if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
            throw failed(
                    "unsupported Content-Encoding '"
                            + HttpResponseStream.printable(encoding)
                            + "' from "
                            + describe(uri),
                    null);
        }
        if (status == 204) {
            return new byte[0];
        }
        List<String> transferEncodings = response.headers("transfer-encoding");
        boolean chunked = false;
        if (!transferEncodings.isEmpty()) {
            String last = transferEncodings.get(transferEncodings.size() - 1);
            String[] codings = last.split(",");
            chunked = codings[codings.length - 1].trim().equalsIgnoreCase("chunked");
            if (!chunked || transferEncodings.size() > 1 || codings.length > 1) {
                throw failed(
                        "unsupported Transfer-Encoding '"
                                + HttpResponseStream.printable(String.join(", ", transferEncodings))
                                + "' from "
                                + describe(uri),
                        null);
            }
        }
        long contentLength = -1;
        if (!chunked) {
            contentLength = contentLength(response.headers("content-length"), uri);
            if (contentLength > maxBytes) {
                throw tooLarge(describe(uri) + " announces " + contentLength + " bytes");
            }
        }
        try (InputStream body = response.body(contentLength, chunked)) {
            return readBounded(body, contentLength, describe(uri));
        }
    }

    private static long contentLength(List<String> values, URI uri) throws ImageFetchException {
        long length = -1;
        for (String value : values) {
            for (String part : value.split(",")) {
                String digits = part.trim();
                if (digits.isEmpty()
                        || digits.length() > 18
                        || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw failed(
                            "invalid Content-Length '"
                                    + HttpResponseStream.printable(value)
                                    + "' from "
                                    + describe(uri),
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

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static URI redirectTarget(URI current, String location, int status)
            throws ImageFetchException {
        if (location == null || location.isEmpty()) {
            throw failed(
                    "HTTP " + status + " redirect without a Location from " + describe(current),
                    null);
        }
        try {
            URI next = current.resolve(new URI(location));
            if (!next.isAbsolute()) {
                throw forbidden("redirect to a relative URI from " + describe(current));
            }
            return next;
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw forbidden(
                    "redirect to a malformed URI '"
                            + clip(location)
                            + "' from "
                            + describe(current));
        }
    }

    // ---------------------------------------------------------------- shared

    /**
     * Reads {@code in} to EOF into memory, refusing to hold more than {@link #maxBytes}: each read
     * asks for at most one byte beyond what the limit still allows.
     */
    private byte[] readBounded(InputStream in, long expected, String what)
            throws IOException, ImageFetchException {
        int initial = (int) Math.min(expected >= 0 ? expected : COPY_BUFFER, maxBytes);
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(initial, 32));
        byte[] buffer = new byte[COPY_BUFFER];
        long total = 0;
        while (true) {
            long allowance = maxBytes - total + 1;
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, allowance));
            if (n < 0) {
                return out.toByteArray();
            }
            total += n;
            if (total > maxBytes) {
                throw tooLarge(what + " has more than " + maxBytes + " bytes");
            }
            out.write(buffer, 0, n);
        }
    }

    private ImageFetchException tooLarge(String detail) {
        return new ImageFetchException(
                Reason.IMAGE_TOO_LARGE, "image too large: " + detail + " (limit " + maxBytes + ")");
    }

    private static ImageFetchException forbidden(String message) {
        return new ImageFetchException(Reason.FORBIDDEN_URI, message);
    }

    private static ImageFetchException failed(String message, Throwable cause) {
        return new ImageFetchException(Reason.FETCH_FAILED, message, cause);
    }

    /** The URI without user-info, query and fragment, which may carry credentials or tokens. */
    private static String describe(URI uri) {
        StringBuilder sb = new StringBuilder();
        sb.append(uri.getScheme()).append("://");
        if (uri.getHost() != null) {
            sb.append(uri.getHost());
            if (uri.getPort() != -1) {
                sb.append(':').append(uri.getPort());
            }
        }
        if (uri.getRawPath() != null) {
            sb.append(uri.getRawPath());
        }
        if (uri.getRawQuery() != null) {
            sb.append("?...");
        }
        return clip(sb.toString());
    }

    private static String clip(Object value) {
        String s = String.valueOf(value);
        String cut = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("Ignoring failure to close a socket that failed to connect", e);
        }
    }

    @Override
    public String toString() {
        return "ImageFetcher{allowedDirectories="
                + allowedDirectories()
                + ", httpEnabled="
                + httpEnabled
                + ", allowPrivateNetworks="
                + allowPrivateNetworks
                + ", maxBytes="
                + maxBytes
                + ", maxRedirects="
                + maxRedirects
                + ", connectTimeout="
                + connectTimeout
                + ", readTimeout="
                + readTimeout
                + "}";
    }

    private static final class AllowedRoot {
        final Path configured;
        final Path real;

        AllowedRoot(Path configured, Path real) {
            this.configured = configured;
            this.real = real;
        }
    }

    private static final class HttpTarget {
        final boolean tls;
        final String host;
        final int port;
        final String hostHeader;
        final String requestTarget;
        final List<InetAddress> addresses;

        HttpTarget(
                boolean tls,
                String host,
                int port,
                String hostHeader,
                String requestTarget,
                List<InetAddress> addresses) {
            this.tls = tls;
            this.host = host;
            this.port = port;
            this.hostHeader = hostHeader;
            this.requestTarget = requestTarget;
            this.addresses = addresses;
        }
    }

    /** Configures an {@link ImageFetcher}; everything is optional and defaults to forbidden. */
    public static final class Builder {
        private final Set<Path> allowedDirectories = new LinkedHashSet<>();
        private boolean httpEnabled;
        private boolean allowPrivateNetworks;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration readTimeout = DEFAULT_READ_TIMEOUT;
        private long maxBytes = DEFAULT_MAX_BYTES;
        private int maxRedirects = DEFAULT_MAX_REDIRECTS;
        private HostResolver resolver = HostResolver.system();
        private SSLSocketFactory sslSocketFactory;

        private Builder() {}

        /**
         * Allows {@code file:} URIs inside {@code directory} (which must exist when {@link
         * #build()} runs); may be called several times.
         */
        public Builder optAllowedDirectory(Path directory) {
            allowedDirectories.add(Objects.requireNonNull(directory, "directory"));
            return this;
        }

        /** Allows {@code file:} URIs inside each of {@code directories}. */
        public Builder optAllowedDirectories(Iterable<Path> directories) {
            for (Path directory : directories) {
                optAllowedDirectory(directory);
            }
            return this;
        }

        /** Enables {@code http:} and {@code https:} URIs (disabled by default). */
        public Builder optHttpEnabled(boolean enabled) {
            this.httpEnabled = enabled;
            return this;
        }

        /**
         * Allows hosts that resolve to loopback or private (RFC 1918, CGNAT, IPv6 unique-local)
         * addresses, for local development and in-cluster object stores; link-local, multicast,
         * unspecified and reserved addresses stay forbidden regardless.
         */
        public Builder optAllowPrivateNetworks(boolean allow) {
            this.allowPrivateNetworks = allow;
            return this;
        }

        /** Timeout of each TCP connect attempt (default 2 s). */
        public Builder optConnectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** Deadline for an entire HTTP fetch including redirects and body (default 10 s). */
        public Builder optReadTimeout(Duration timeout) {
            this.readTimeout = positive(timeout, "readTimeout");
            return this;
        }

        /**
         * Maximum image size in bytes (default 16 MiB); larger images fail with IMAGE_TOO_LARGE.
         */
        public Builder optMaxBytes(long maxBytes) {
            if (maxBytes <= 0 || maxBytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(
                        "maxBytes must be in 1.." + (Integer.MAX_VALUE - 8) + ": " + maxBytes);
            }
            this.maxBytes = maxBytes;
            return this;
        }

        /** Maximum number of redirects followed (default 3; 0 treats every redirect as failure). */
        public Builder optMaxRedirects(int maxRedirects) {
            if (maxRedirects < 0 || maxRedirects > 20) {
                throw new IllegalArgumentException(
                        "maxRedirects must be in 0..20: " + maxRedirects);
            }
            this.maxRedirects = maxRedirects;
            return this;
        }

        /** Host resolver (default {@link HostResolver#system()}); tests use it to fake DNS. */
        public Builder optHostResolver(HostResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /** TLS socket factory for https (default: the JVM default trust store). */
        public Builder optSslSocketFactory(SSLSocketFactory factory) {
            this.sslSocketFactory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * Validates the configuration and resolves the real paths of the allowed directories.
         *
         * @throws IllegalArgumentException if an allowed directory does not exist or is not a
         *     directory
         */
        public ImageFetcher build() {
            List<AllowedRoot> roots = new ArrayList<>();
            for (Path dir : allowedDirectories) {
                Path absolute = dir.toAbsolutePath().normalize();
                Path real;
                try {
                    real = absolute.toRealPath();
                } catch (IOException e) {
                    throw new IllegalArgumentException(
                            "allowed directory " + absolute + " cannot be resolved: " + e, e);
                }
                if (!Files.isDirectory(real)) {
                    throw new IllegalArgumentException(
                            "allowed directory " + absolute + " is not a directory");
                }
                roots.add(new AllowedRoot(absolute, real));
            }
            return new ImageFetcher(this, roots, sslSocketFactory);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }
    }
}

package io.captioner.streams.fetch;

import static io.captioner.streams.fetch.ImageFetchException.forbidden;

import io.captioner.streams.fetch.ImageFetchException.Reason;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.X509TrustManager;

/**
 * Resolves the claim-check URI of an image event into the image bytes under a security policy, so
 * that a producer who controls the URI can neither read arbitrary local files nor make the
 * captioner call internal services (SSRF).
 *
 * <p>The facade over three parts with one job each: {@link FetchPolicy} (what a URI may be and
 * which addresses and redirects are allowed, without side effects), {@link FileImageSource} (the
 * {@code file:} sandbox of allowed directories) and {@link HttpImageSource} (http and https on
 * OkHttp, with a connection pool, checked DNS answers, no proxies, re-checked redirects, a deadline
 * for the whole fetch and a bounded body). Only {@code file}, {@code http} and {@code https} URIs
 * exist; every other scheme is {@link Reason#FORBIDDEN_URI}. http(s) needs {@link
 * Builder#optHttpEnabled(boolean)}; loopback and private addresses need the host or network on the
 * allow-list ({@link Builder#optAllowedHost(String)}, {@link Builder#optAllowedNetwork(String)}).
 *
 * <p>{@link #fetch(String)} runs on the caller's thread and is interruptible: interrupting it (for
 * example with {@code Future.cancel(true)} from a caller's own deadline) ends a blocked connect,
 * read or DNS wait at once with {@code FETCH_FAILED}, closes the connection, and leaves the
 * interrupt flag set.
 *
 * <p>Instances are immutable and thread-safe; build them with {@link #builder()} and {@link
 * #close()} them to release pooled connections.
 */
public final class ImageFetcher implements AutoCloseable {

    /** Default maximum image size: 16 MiB. */
    public static final long DEFAULT_MAX_BYTES = 16L * 1024 * 1024;

    /** Default TCP connect timeout per attempted address (and DNS lookup). */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);

    /** Default deadline for a whole HTTP fetch, redirects included. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

    /** Default number of redirects followed. */
    public static final int DEFAULT_MAX_REDIRECTS = 3;

    /** URIs longer than this are refused without parsing. */
    public static final int MAX_URI_LENGTH = FetchPolicy.MAX_URI_LENGTH;

    /** Idle connections kept for reuse, over all hosts. */
    static final int MAX_IDLE_CONNECTIONS = 16;

    /** How long an idle connection is kept for reuse. */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(30);

    private final FetchPolicy policy;
    private final FileImageSource files;
    private final HttpImageSource http;
    private final long maxBytes;
    private final String description;

    private ImageFetcher(
            FetchPolicy policy,
            FileImageSource files,
            HttpImageSource http,
            long maxBytes,
            String description) {
        this.policy = policy;
        this.files = files;
        this.http = http;
        this.maxBytes = maxBytes;
        this.description = description;
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
        return files.directories();
    }

    /** Whether http(s) URIs may be fetched at all. */
    public boolean httpEnabled() {
        return http != null;
    }

    /** The URI and address policy this fetcher applies. */
    public FetchPolicy policy() {
        return policy;
    }

    /**
     * Fetches the bytes behind {@code uri} if the policy allows it.
     *
     * @throws ImageFetchException with {@link Reason#FORBIDDEN_URI} when the policy refuses the URI
     *     or a redirect target, {@link Reason#IMAGE_TOO_LARGE} past the byte limit, and {@link
     *     Reason#FETCH_FAILED} for everything that went wrong while reading an allowed URI,
     *     timeouts and interrupts included
     */
    public byte[] fetch(String uri) throws ImageFetchException {
        URI parsed = FetchPolicy.parse(uri);
        if (FetchPolicy.scheme(parsed).equals("file")) {
            return files.fetch(parsed);
        }
        if (http == null) {
            throw forbidden("http(s) fetching is disabled: " + FetchPolicy.describe(parsed));
        }
        return http.fetch(parsed);
    }

    /** Idle pooled http(s) connections right now; 0 when http is disabled. */
    int idleConnections() {
        return http == null ? 0 : http.idleConnections();
    }

    /**
     * Closes pooled connections and the DNS lookup threads; http(s) fetches of host names fail with
     * {@code FETCH_FAILED} afterwards, {@code file:} fetches still work.
     */
    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
    }

    @Override
    public String toString() {
        return description;
    }

    /** Configures an {@link ImageFetcher}; everything is optional and defaults to forbidden. */
    public static final class Builder {
        private final Set<Path> allowedDirectories = new LinkedHashSet<>();
        private final List<String> allowedHosts = new ArrayList<>();
        private final List<String> allowedNetworks = new ArrayList<>();
        private boolean httpEnabled;
        private boolean allowPublicNetworks = true;
        private boolean allowPrivateNetworks;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration readTimeout = DEFAULT_READ_TIMEOUT;
        private long maxBytes = DEFAULT_MAX_BYTES;
        private int maxRedirects = DEFAULT_MAX_REDIRECTS;
        private HostResolver resolver = HostResolver.system();
        private X509TrustManager trustManager;

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
         * Lets http(s) fetches reach host {@code name} at whatever loopback, private or public
         * address it resolves to ({@code minio.internal}, or {@code *.storage.internal} for every
         * subdomain); link-local, multicast, unspecified and reserved addresses stay forbidden.
         * Checked again on every redirect hop.
         */
        public Builder optAllowedHost(String name) {
            allowedHosts.add(NetworkAllowList.parseHost(name));
            return this;
        }

        /** {@link #optAllowedHost(String)} for each of {@code names}. */
        public Builder optAllowedHosts(Iterable<String> names) {
            for (String name : names) {
                optAllowedHost(name);
            }
            return this;
        }

        /**
         * Lets http(s) fetches reach any address in {@code cidr} ({@code 10.1.2.3/32}, {@code
         * 10.8.0.0/16}, {@code fd12:3456::/32}) whatever the host name; link-local, multicast,
         * unspecified and reserved addresses stay forbidden.
         */
        public Builder optAllowedNetwork(String cidr) {
            allowedNetworks.add(NetworkAllowList.parseNetwork(cidr));
            return this;
        }

        /** {@link #optAllowedNetwork(String)} for each of {@code cidrs}. */
        public Builder optAllowedNetworks(Iterable<String> cidrs) {
            for (String cidr : cidrs) {
                optAllowedNetwork(cidr);
            }
            return this;
        }

        /**
         * Whether public addresses may be fetched (default true); false limits http(s) to the
         * allowed hosts and networks, for deployments whose images all live in their own store.
         */
        public Builder optAllowPublicNetworks(boolean allow) {
            this.allowPublicNetworks = allow;
            return this;
        }

        /**
         * Opens every loopback and private address at once (127/8, ::1, RFC 1918, CGNAT 100.64/10,
         * IPv6 unique-local fc00::/7, site-local fec0::/10, local-use NAT64); link-local
         * (169.254/16, fe80::/10), multicast, unspecified and reserved addresses stay forbidden
         * regardless. Prefer {@link #optAllowedHost} and {@link #optAllowedNetwork}, which open
         * only the store the images live in.
         */
        public Builder optAllowPrivateNetworks(boolean allow) {
            this.allowPrivateNetworks = allow;
            return this;
        }

        /** Timeout of each TCP connect attempt and of each DNS lookup (default 2 s). */
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

        /** Trust manager for https (default: the JVM's default trust store). */
        public Builder optTrustManager(X509TrustManager trustManager) {
            this.trustManager = Objects.requireNonNull(trustManager, "trustManager");
            return this;
        }

        /**
         * Validates the configuration and resolves the real paths of the allowed directories.
         *
         * @throws IllegalArgumentException if an allowed directory does not exist or is not a
         *     directory
         */
        public ImageFetcher build() {
            FileImageSource files = FileImageSource.create(allowedDirectories, maxBytes);
            FetchPolicy policy =
                    new FetchPolicy(
                            allowPublicNetworks,
                            allowPrivateNetworks,
                            NetworkAllowList.of(allowedHosts, allowedNetworks),
                            maxRedirects);
            HttpImageSource http =
                    httpEnabled
                            ? new HttpImageSource(
                                    policy,
                                    resolver,
                                    new HttpImageSource.Settings(
                                            connectTimeout,
                                            readTimeout,
                                            maxBytes,
                                            trustManager,
                                            MAX_IDLE_CONNECTIONS,
                                            KEEP_ALIVE))
                            : null;
            String description =
                    "ImageFetcher{allowedDirectories="
                            + files.directories()
                            + ", httpEnabled="
                            + httpEnabled
                            + ", "
                            + policy
                            + ", maxBytes="
                            + maxBytes
                            + ", connectTimeout="
                            + connectTimeout
                            + ", readTimeout="
                            + readTimeout
                            + "}";
            return new ImageFetcher(policy, files, http, maxBytes, description);
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

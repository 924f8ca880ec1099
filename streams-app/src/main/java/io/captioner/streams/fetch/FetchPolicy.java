package io.captioner.streams.fetch;

import static io.captioner.streams.fetch.ImageFetchException.failed;
import static io.captioner.streams.fetch.ImageFetchException.forbidden;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The claim-check URI policy, side-effect free: what a URI may look like, which addresses an
 * http(s) fetch may reach, and which redirects may be followed. It parses strings and classifies
 * address bytes; it never resolves a name, opens a file or a socket, so every rule can be tested
 * without a network. {@link FileImageSource} and {@link HttpImageSource} call it before each step
 * of I/O.
 *
 * <p>Addresses: public addresses are fetched when {@code allowPublic} (the default); loopback and
 * private ones (RFC 1918, CGNAT, IPv6 unique-local) only when the host name or the address is on
 * the {@link NetworkAllowList}, or with the deprecated {@code allowPrivateNetworks} switch that
 * opens all of them; link-local (169.254/16 with the cloud metadata services, fe80::/10),
 * multicast, unspecified and reserved addresses never.
 *
 * <p>Immutable and thread-safe.
 */
public final class FetchPolicy {

    /** URIs longer than this are refused without parsing. */
    public static final int MAX_URI_LENGTH = 8192;

    /**
     * The strings OkHttp (and the JDK) treat as IP literals rather than names: they are connected
     * to without consulting any {@code Dns} hook, so they must be checked here. Same pattern as
     * OkHttp's {@code canParseAsIpAddress}.
     */
    private static final Pattern IP_LITERAL_SHAPE =
            Pattern.compile("([0-9a-fA-F]*:[0-9a-fA-F:.]*)|([\\d.]+)");

    private static final Pattern CANONICAL_IPV4 =
            Pattern.compile(
                    "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private final boolean allowPublic;
    private final boolean allowPrivateNetworks;
    private final NetworkAllowList allowList;
    private final int maxRedirects;

    /**
     * Creates a policy.
     *
     * @param allowPublic whether any public address may be fetched; false limits http(s) to the
     *     allow-list
     * @param allowPrivateNetworks the deprecated switch that opens every loopback and private
     *     address
     * @param allowList host names and networks opened beyond the public internet
     * @param maxRedirects redirects followed per fetch, 0 to 20
     */
    public FetchPolicy(
            boolean allowPublic,
            boolean allowPrivateNetworks,
            NetworkAllowList allowList,
            int maxRedirects) {
        if (maxRedirects < 0 || maxRedirects > 20) {
            throw new IllegalArgumentException("maxRedirects must be in 0..20: " + maxRedirects);
        }
        this.allowPublic = allowPublic;
        this.allowPrivateNetworks = allowPrivateNetworks;
        this.allowList = Objects.requireNonNull(allowList, "allowList");
        this.maxRedirects = maxRedirects;
    }

    /** Redirects followed per fetch. */
    public int maxRedirects() {
        return maxRedirects;
    }

    /** The allow-list of hosts and networks. */
    public NetworkAllowList allowList() {
        return allowList;
    }

    // ---------------------------------------------------------------- any URI

    /**
     * Parses a claim-check URI: non-empty, at most {@link #MAX_URI_LENGTH} characters, absolute,
     * with a {@code file}, {@code http} or {@code https} scheme.
     *
     * @throws ImageFetchException with {@code FORBIDDEN_URI} otherwise
     */
    public static URI parse(String raw) throws ImageFetchException {
        Objects.requireNonNull(raw, "uri");
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
        String scheme = scheme(uri);
        if (!scheme.equals("file") && !scheme.equals("http") && !scheme.equals("https")) {
            throw forbidden("scheme '" + clip(scheme) + "' is not allowed (file, http, https)");
        }
        return uri;
    }

    /** The scheme in lower case. */
    public static String scheme(URI uri) {
        return uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    }

    // ---------------------------------------------------------------- file:

    /**
     * The lexical part of the {@code file:} sandbox: an absolute path without host, query, fragment
     * or {@code ..} segment (decoded, so {@code %2e%2e} counts), normalised. Whether it lies inside
     * an allowed directory is {@link FileImageSource}'s check.
     *
     * @throws ImageFetchException with {@code FORBIDDEN_URI} when any rule is broken
     */
    public static Path filePath(URI uri) throws ImageFetchException {
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
        try {
            return Path.of(uri).normalize();
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            throw forbidden("not a usable file path: " + clip(uri) + " (" + e.getMessage() + ")");
        }
    }

    // ---------------------------------------------------------------- http(s):

    /** Where one http(s) hop goes; {@code host} is as written, brackets removed. */
    public record HttpTarget(boolean tls, String host, int port) {}

    /**
     * Checks the shape of an http(s) URI (also every redirect target): http or https, a valid host,
     * no user-info, a port in range.
     *
     * @param redirectedFrom the URI that redirected here, or null for the first hop
     * @throws ImageFetchException with {@code FORBIDDEN_URI} when a rule is broken
     */
    public HttpTarget httpTarget(URI uri, URI redirectedFrom) throws ImageFetchException {
        String via = via(redirectedFrom);
        String scheme = scheme(uri);
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
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new HttpTarget(tls, host, port);
    }

    /**
     * Checks a host that is an IP literal in any spelling the HTTP client would connect to
     * directly; host names pass here and are checked once resolved ({@link #checkResolved}).
     * Literals other than a canonical dotted quad or an IPv6 address ({@code 127.1}, {@code
     * 2130706433}, {@code 010.0.0.1}) are refused: resolvers disagree on what they mean.
     *
     * @param host the host as the HTTP client sends it (lower case, no brackets)
     * @param via {@link #via} of the hop, for the message
     * @throws ImageFetchException with {@code FORBIDDEN_URI} when the address is not allowed
     */
    public void checkHost(String host, String via) throws ImageFetchException {
        if (!looksLikeIpLiteral(host)) {
            return;
        }
        InetAddress address;
        try {
            address = parseIpLiteral(host);
        } catch (UnknownHostException e) {
            throw forbidden("host " + clip(host) + " is not a canonical IP address" + via);
        }
        checkAddress(host, address, via);
    }

    /**
     * Checks every address a host name resolved to; one forbidden address refuses the host, so an
     * allowed first answer cannot hide a forbidden second one.
     *
     * @throws ImageFetchException with {@code FORBIDDEN_URI} naming the first forbidden address
     */
    public void checkResolved(String host, List<InetAddress> addresses, String via)
            throws ImageFetchException {
        if (addresses == null || addresses.isEmpty()) {
            throw failed("host " + clip(host) + " resolved to no addresses" + via, null);
        }
        for (InetAddress address : addresses) {
            checkAddress(host, address, via);
        }
    }

    /** Whether {@code host} may connect to {@code address}, with the reason when it may not. */
    private void checkAddress(String host, InetAddress address, String via)
            throws ImageFetchException {
        AddressCategory category = AddressClassifier.classify(address);
        if (isAllowed(host, address, category)) {
            return;
        }
        String subject =
                host.equalsIgnoreCase(address.getHostAddress())
                        ? "host " + clip(host) + " is"
                        : "host " + clip(host) + " resolves to " + address.getHostAddress() + ",";
        String why;
        if (!canBeAllowed(category)) {
            why = " which is never fetched";
        } else if (category == AddressCategory.PUBLIC) {
            why = " not allowed: public addresses are disabled and it is not on the allow-list";
        } else {
            why = " not allowed (list the host or its network in the fetch allow-list)";
        }
        throw forbidden(subject + " a " + categoryName(category) + " address" + why + via);
    }

    private boolean isAllowed(String host, InetAddress address, AddressCategory category) {
        if (!canBeAllowed(category)) {
            return false;
        }
        if (allowList.allowsHost(host) || allowList.allowsAddress(address)) {
            return true;
        }
        if (category == AddressCategory.PUBLIC) {
            return allowPublic;
        }
        return allowPrivateNetworks;
    }

    /**
     * Resolves a redirect and decides whether it may be followed: a Location is required, the limit
     * is {@link #maxRedirects()}, and https may not be downgraded to http. The target's own shape
     * and address are checked by the next hop.
     *
     * @param hop how many redirects were followed before this one
     * @throws ImageFetchException with {@code FORBIDDEN_URI} for a malformed or downgrading target
     *     and {@code FETCH_FAILED} for a missing Location or a reached limit
     */
    public URI redirect(URI current, String location, int status, int hop)
            throws ImageFetchException {
        if (location == null || location.isEmpty()) {
            throw failed(
                    "HTTP " + status + " redirect without a Location from " + describe(current),
                    null);
        }
        URI next;
        try {
            next = current.resolve(new URI(location));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw forbidden(
                    "redirect to a malformed URI '"
                            + clip(location)
                            + "' from "
                            + describe(current));
        }
        if (!next.isAbsolute()) {
            throw forbidden("redirect to a relative URI from " + describe(current));
        }
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
        if (scheme(current).equals("https") && !scheme(next).equals("https")) {
            throw forbidden("redirect from https to " + describe(next) + " is a downgrade");
        }
        return next;
    }

    /** Whether an HTTP status is a redirect this policy follows (301, 302, 303, 307, 308). */
    public static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    // ---------------------------------------------------------------- helpers

    /** Whether a category can ever be fetched, allow-listed or not. */
    static boolean canBeAllowed(AddressCategory category) {
        return category == AddressCategory.PUBLIC
                || category == AddressCategory.LOOPBACK
                || category == AddressCategory.PRIVATE;
    }

    static String categoryName(AddressCategory category) {
        return category.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether the HTTP client would treat {@code host} as an address instead of a name. */
    static boolean looksLikeIpLiteral(String host) {
        return IP_LITERAL_SHAPE.matcher(host).matches();
    }

    /**
     * Parses an IP literal without touching DNS: a canonical dotted quad, or an IPv6 address (which
     * the JDK parses itself and never looks up).
     *
     * @throws UnknownHostException if {@code text} is neither
     */
    static InetAddress parseIpLiteral(String text) throws UnknownHostException {
        if (CANONICAL_IPV4.matcher(text).matches()) {
            return InetAddress.getByName(text);
        }
        if (text.indexOf(':') >= 0 && IP_LITERAL_SHAPE.matcher(text).matches()) {
            // Contains ':' and only hex digits, ':' and '.': the JDK parses it as an IPv6
            // literal or throws, without a lookup.
            return InetAddress.getByName(text);
        }
        throw new UnknownHostException(text + " is not a canonical IP address");
    }

    /** " (redirected from ...)" for redirect hops, "" for the first one. */
    public static String via(URI redirectedFrom) {
        return redirectedFrom == null ? "" : " (redirected from " + describe(redirectedFrom) + ")";
    }

    /** The URI without user-info, query and fragment, which may carry credentials or tokens. */
    public static String describe(URI uri) {
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

    /** At most 200 characters of {@code value}, control characters replaced. */
    static String clip(Object value) {
        String s = String.valueOf(value);
        String cut = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    @Override
    public String toString() {
        return "FetchPolicy{allowPublic="
                + allowPublic
                + ", allowPrivateNetworks="
                + allowPrivateNetworks
                + ", "
                + allowList
                + ", maxRedirects="
                + maxRedirects
                + "}";
    }
}

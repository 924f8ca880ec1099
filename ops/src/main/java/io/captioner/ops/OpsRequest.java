package io.captioner.ops;

import com.sun.net.httpserver.HttpExchange;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an {@link OpsEndpoint} sees of a request: method, path, decoded query parameters and
 * headers, so endpoints (e.g. an API with {@code ?since=...}) need not parse the JDK exchange
 * themselves.
 */
public final class OpsRequest {

    private final String method;
    private final URI uri;
    private final Map<String, List<String>> query;
    private final Map<String, List<String>> headers;

    private OpsRequest(
            String method,
            URI uri,
            Map<String, List<String>> query,
            Map<String, List<String>> headers) {
        this.method = method;
        this.uri = uri;
        this.query = query;
        this.headers = headers;
    }

    /**
     * A request as a client would send it; for endpoint unit tests and for adapters.
     *
     * @param headers header names to values; names are matched case-insensitively
     */
    public static OpsRequest of(String method, URI uri, Map<String, List<String>> headers) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        Map<String, List<String>> lowered = new LinkedHashMap<>();
        headers.forEach(
                (name, values) ->
                        lowered.computeIfAbsent(
                                        name.toLowerCase(java.util.Locale.ROOT),
                                        k -> new ArrayList<>())
                                .addAll(values));
        lowered.replaceAll((k, v) -> List.copyOf(v));
        return new OpsRequest(
                method, uri, parseQuery(uri.getRawQuery()), Collections.unmodifiableMap(lowered));
    }

    static OpsRequest of(HttpExchange exchange) {
        return of(
                exchange.getRequestMethod(),
                exchange.getRequestURI(),
                exchange.getRequestHeaders());
    }

    private static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
        }
        params.replaceAll((k, v) -> List.copyOf(v));
        return Collections.unmodifiableMap(params);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The HTTP method, e.g. {@code GET}. */
    public String method() {
        return method;
    }

    /** The path without the query, e.g. {@code /model}. */
    public String path() {
        return uri.getPath();
    }

    /** The request URI as received. */
    public URI uri() {
        return uri;
    }

    /** The first value of query parameter {@code name}, decoded; empty if absent. */
    public Optional<String> query(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Every query parameter, decoded, in request order. */
    public Map<String, List<String>> queryParameters() {
        return query;
    }

    /** The first value of header {@code name} (case-insensitive); empty if absent. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    @Override
    public String toString() {
        return method + " " + uri;
    }
}

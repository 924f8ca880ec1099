package io.captioner.cli.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The app's metrics as any scraper sees them: {@code GET /metrics} on its ops port, in the
 * Prometheus text format. Reading the public endpoint rather than the app's registry keeps the
 * bench independent of how the app records its metrics.
 *
 * <p>Only the sample lines are parsed (name, optional labels, value): the bench needs two sums, and
 * the official Prometheus client libraries write this format but do not read it.
 */
public final class AppMetrics {

    private final Map<String, Double> totals;

    private AppMetrics(Map<String, Double> totals) {
        this.totals = totals;
    }

    /** Scrapes {@code http://127.0.0.1:port/metrics}. */
    public static AppMetrics scrape(HttpClient client, int port)
            throws IOException, InterruptedException {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET /metrics answered HTTP " + response.statusCode());
        }
        return parse(response.body());
    }

    /** Parses the text format; samples of one name are summed over their label sets. */
    public static AppMetrics parse(String text) {
        Map<String, Double> totals = new HashMap<>();
        for (String raw : text.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            String name;
            String rest;
            if (brace >= 0 && (space < 0 || brace < space)) {
                int close = line.lastIndexOf('}');
                if (close < brace) {
                    continue;
                }
                name = line.substring(0, brace);
                rest = line.substring(close + 1).strip();
            } else if (space > 0) {
                name = line.substring(0, space);
                rest = line.substring(space + 1).strip();
            } else {
                continue;
            }
            String value = rest.split("\\s+")[0];
            try {
                totals.merge(name, Double.parseDouble(value), Double::sum);
            } catch (NumberFormatException e) {
                // Not a sample line of this format; nothing the bench reads.
            }
        }
        return new AppMetrics(totals);
    }

    /** The scrapes of several instances as one: every sample summed. */
    public static AppMetrics sum(List<AppMetrics> scrapes) {
        Map<String, Double> totals = new HashMap<>();
        for (AppMetrics scrape : scrapes) {
            scrape.totals.forEach((name, v) -> totals.merge(name, v, Double::sum));
        }
        return new AppMetrics(totals);
    }

    /** The sum of the samples named {@code name}; empty when there is none. */
    public OptionalDouble value(String name) {
        Double v = totals.get(name);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /**
     * The mean of histogram or summary {@code name} between {@code before} and this scrape, from
     * its {@code _sum} and {@code _count}; empty when either is missing or nothing was observed.
     */
    public OptionalDouble meanSince(AppMetrics before, String name) {
        OptionalDouble sum = value(name + "_sum");
        OptionalDouble count = value(name + "_count");
        OptionalDouble sum0 = before.value(name + "_sum");
        OptionalDouble count0 = before.value(name + "_count");
        if (sum.isEmpty() || count.isEmpty() || sum0.isEmpty() || count0.isEmpty()) {
            return OptionalDouble.empty();
        }
        double n = count.getAsDouble() - count0.getAsDouble();
        return n > 0
                ? OptionalDouble.of((sum.getAsDouble() - sum0.getAsDouble()) / n)
                : OptionalDouble.empty();
    }
}

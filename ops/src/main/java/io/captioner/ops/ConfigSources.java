package io.captioner.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.UnaryOperator;

/**
 * The layered sources of a service's typed configuration, the same for every service: defaults < a
 * properties file < {@code CAPTIONER_*} environment variables < explicit overrides (flags). The
 * typed configs' builders extend {@link Builder} and validate what {@link #merge} returns.
 */
public final class ConfigSources {

    /**
     * The source-collecting half of a typed config's builder ({@code optX} methods); a subclass
     * adds only {@code build()}, merging {@link #sources()}.
     *
     * @param <B> the concrete builder, returned by every {@code optX} for chaining
     */
    public abstract static class Builder<B extends Builder<B>> {
        private final ConfigSources sources = new ConfigSources();

        /** The sources collected so far. */
        protected final ConfigSources sources() {
            return sources;
        }

        /** This builder as its concrete type. */
        protected abstract B self();

        /**
         * Reads a properties file (above defaults, below environment and overrides).
         *
         * @throws UncheckedIOException if the file cannot be read
         */
        public B optPropertiesFile(Path path) {
            sources.readPropertiesFile(path);
            return self();
        }

        /** Uses these environment variables (usually {@code System.getenv()}). */
        public B optEnvironment(Map<String, String> environment) {
            sources.environment(environment);
            return self();
        }

        /** Sets one key above every other source (command-line flags). */
        public B optOverride(String key, Object value) {
            sources.override(key, value);
            return self();
        }

        /** Sets keys above every other source. */
        public B optOverrides(Map<String, ?> values) {
            values.forEach(this::optOverride);
            return self();
        }
    }

    private static final String ENV_PREFIX = "CAPTIONER_";

    private final Map<String, String> file = new LinkedHashMap<>();
    private Map<String, String> environment = Map.of();
    private final Map<String, String> overrides = new LinkedHashMap<>();

    /**
     * Reads a properties file (above defaults, below environment and overrides); values trimmed.
     *
     * @throws UncheckedIOException if the file cannot be read
     */
    public void readPropertiesFile(Path path) {
        Objects.requireNonNull(path, "path");
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(path)) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read configuration file " + path, e);
        }
        for (String name : props.stringPropertyNames()) {
            file.put(name, props.getProperty(name).trim());
        }
    }

    /** Uses these environment variables (usually {@code System.getenv()}). */
    public void environment(Map<String, String> variables) {
        this.environment = Map.copyOf(variables);
    }

    /** Sets one key above every other source (command-line flags). */
    public void override(String key, Object value) {
        overrides.put(Objects.requireNonNull(key, "key"), String.valueOf(value));
    }

    /**
     * The merged values: the file's, then the environment variable of each of {@code keys} (named
     * by {@code envName}), then the overrides.
     */
    public Map<String, String> merge(Collection<String> keys, UnaryOperator<String> envName) {
        Map<String, String> merged = new LinkedHashMap<>(file);
        for (String key : keys) {
            String value = environment.get(envName.apply(key));
            if (value != null) {
                merged.put(key, value.trim());
            }
        }
        merged.putAll(overrides);
        return merged;
    }

    /**
     * The environment variable of {@code key}: its alias if it has one, else {@code CAPTIONER_} and
     * the key without its {@code captioner.} prefix, upper case, dots and dashes as underscores
     * ({@code captioner.http.port} is {@code CAPTIONER_HTTP_PORT}).
     */
    public static String envName(String key, Map<String, String> aliases) {
        String alias = aliases.get(key);
        if (alias != null) {
            return alias;
        }
        String bare = key.startsWith("captioner.") ? key.substring("captioner.".length()) : key;
        return ENV_PREFIX + bare.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }
}

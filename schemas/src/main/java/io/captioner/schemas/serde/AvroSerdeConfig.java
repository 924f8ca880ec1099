package io.captioner.schemas.serde;

import io.captioner.schemas.registry.SchemaRegistryClients;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * Configuration keys of the Avro serializers and deserializers, named like Confluent's so the same
 * properties work with either implementation.
 *
 * <p>The registry connection keys ({@link #SCHEMA_REGISTRY_URL_CONFIG}, retries, timeouts) are
 * those of {@link SchemaRegistryClients}.
 */
public final class AvroSerdeConfig {

    /** Registry base URL(s) or {@code mock://<scope>}; see {@link SchemaRegistryClients}. */
    public static final String SCHEMA_REGISTRY_URL_CONFIG =
            SchemaRegistryClients.SCHEMA_REGISTRY_URL_CONFIG;

    /**
     * Whether the serializer registers the record's schema under the subject (default {@code
     * true}); when {@code false} the schema must already be registered and is only looked up.
     */
    public static final String AUTO_REGISTER_SCHEMAS_CONFIG = "auto.register.schemas";

    /**
     * Whether {@link AvroDeserializer} returns generated SpecificRecord classes instead of {@code
     * GenericRecord} (default {@code false}; the specific deserializers always do).
     */
    public static final String SPECIFIC_AVRO_READER_CONFIG = "specific.avro.reader";

    private final boolean autoRegisterSchemas;
    private final boolean specificAvroReader;

    private AvroSerdeConfig(boolean autoRegisterSchemas, boolean specificAvroReader) {
        this.autoRegisterSchemas = autoRegisterSchemas;
        this.specificAvroReader = specificAvroReader;
    }

    /**
     * Reads the serde keys of {@code config}, applying defaults.
     *
     * @throws ConfigException if a boolean key holds something other than true or false
     */
    public static AvroSerdeConfig parse(Map<String, ?> config) {
        return new AvroSerdeConfig(
                bool(config, AUTO_REGISTER_SCHEMAS_CONFIG, true),
                bool(config, SPECIFIC_AVRO_READER_CONFIG, false));
    }

    /** Whether the serializer registers schemas (else only looks them up). */
    public boolean autoRegisterSchemas() {
        return autoRegisterSchemas;
    }

    /** Whether the generic deserializer returns SpecificRecord classes. */
    public boolean specificAvroReader() {
        return specificAvroReader;
    }

    private static boolean bool(Map<String, ?> config, String key, boolean defaultValue) {
        Object value = config.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        String text = value.toString().trim().toLowerCase(Locale.ROOT);
        if (text.equals("true")) {
            return true;
        }
        if (text.equals("false")) {
            return false;
        }
        throw new ConfigException(key, value, "expected true or false");
    }
}

package io.captioner.schemas.serde;

import io.captioner.schemas.registry.SchemaRegistryClient;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serde;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the Avro {@link Serde} the application uses, by class name from configuration, so a
 * deployment can swap in Confluent's {@code
 * io.confluent.kafka.streams.serdes.avro.SpecificAvroSerde} (or any {@code Serde} with a public
 * no-argument constructor) without code changes.
 */
public final class SerdeFactory {

    /**
     * Fully qualified class name of the Serde for Avro record keys and values (default {@link
     * SpecificAvroSerde}); the class needs a public no-argument constructor and is configured with
     * the whole configuration map.
     */
    public static final String AVRO_SERDE_CLASS_CONFIG = "captioner.avro.serde.class";

    /** Default value of {@link #AVRO_SERDE_CLASS_CONFIG}. */
    public static final String DEFAULT_AVRO_SERDE_CLASS = SpecificAvroSerde.class.getName();

    private static final Logger LOG = LoggerFactory.getLogger(SerdeFactory.class);

    private SerdeFactory() {}

    /**
     * Creates and configures the Avro serde for {@code type}, with a registry client made from
     * {@code config} ({@code schema.registry.url}).
     *
     * @throws ConfigException if the serde class cannot be loaded or instantiated
     */
    public static <T extends SpecificRecord> Serde<T> avroSerde(
            Class<T> type, Map<String, ?> config, boolean isKey) {
        return avroSerde(type, config, isKey, null);
    }

    /**
     * Creates and configures the Avro serde for {@code type}; our {@link SpecificAvroSerde} uses
     * {@code client} when it is not null, a foreign serde class makes its own client from {@code
     * config}.
     *
     * @throws ConfigException if the serde class cannot be loaded or instantiated
     */
    public static <T extends SpecificRecord> Serde<T> avroSerde(
            Class<T> type, Map<String, ?> config, boolean isKey, SchemaRegistryClient client) {
        Class<?> serdeClass = serdeClass(config);
        if (serdeClass == SpecificAvroSerde.class) {
            SpecificAvroSerde<T> serde =
                    client == null
                            ? new SpecificAvroSerde<>(type)
                            : new SpecificAvroSerde<>(client, type);
            serde.configure(config, isKey);
            return serde;
        }
        if (client != null) {
            LOG.info(
                    "Serde {} makes its own schema registry client from {}; the given client is"
                            + " not used",
                    serdeClass.getName(),
                    AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG);
        }
        @SuppressWarnings("unchecked")
        Serde<T> serde = (Serde<T>) newInstance(serdeClass);
        serde.configure(config, isKey);
        return serde;
    }

    /**
     * Tells whether {@code config} selects our own {@link SpecificAvroSerde}, which accepts a
     * shared {@link SchemaRegistryClient}; a foreign serde makes its own client.
     */
    public static boolean usesBuiltInSerde(Map<String, ?> config) {
        return serdeClass(config) == SpecificAvroSerde.class;
    }

    /**
     * Instantiates the Serde class named {@code className} with its public no-argument constructor
     * and configures it.
     *
     * @throws ConfigException if the class is missing, not a Serde or cannot be instantiated
     */
    public static Serde<?> newSerde(String className, Map<String, ?> config, boolean isKey) {
        Serde<?> serde = newInstance(load(className));
        serde.configure(config, isKey);
        return serde;
    }

    private static Class<?> serdeClass(Map<String, ?> config) {
        Object value = config.get(AVRO_SERDE_CLASS_CONFIG);
        if (value == null) {
            return SpecificAvroSerde.class;
        }
        if (value instanceof Class<?> c) {
            return c;
        }
        return load(value.toString().trim());
    }

    private static Class<?> load(String className) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = SerdeFactory.class.getClassLoader();
        }
        try {
            return Class.forName(className, true, loader);
        } catch (ClassNotFoundException e) {
            throw new ConfigException(
                    AVRO_SERDE_CLASS_CONFIG, className, "class not found on the classpath");
        }
    }

    private static Serde<?> newInstance(Class<?> serdeClass) {
        if (!Serde.class.isAssignableFrom(serdeClass)) {
            throw new ConfigException(
                    AVRO_SERDE_CLASS_CONFIG,
                    serdeClass.getName(),
                    "not an org.apache.kafka.common.serialization.Serde");
        }
        try {
            return (Serde<?>) serdeClass.getConstructor().newInstance();
        } catch (NoSuchMethodException
                | InstantiationException
                | IllegalAccessException
                | InvocationTargetException e) {
            throw new ConfigException(
                    AVRO_SERDE_CLASS_CONFIG,
                    serdeClass.getName(),
                    "cannot be instantiated with a public no-argument constructor: " + e);
        }
    }
}

package io.captioner.stack.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.schemas.registry.CompatibilityLevel;
import io.captioner.stack.internal.StoreEntry.ConfigChange;
import io.captioner.stack.internal.StoreEntry.SchemaVersion;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class KafkaSchemaStoreTest {

    @Test
    void shouldRoundTripSchemaVersionsThroughTheConfluentRecordLayout() {
        SchemaVersion entry = new SchemaVersion("users-value", 3, 7, "\"string\"");

        String key = KafkaSchemaStore.encodeKey(entry);
        String value = KafkaSchemaStore.encodeValue(entry);

        assertThat(key)
                .isEqualTo(
                        "{\"keytype\":\"SCHEMA\",\"subject\":\"users-value\",\"version\":3,\"magic\":1}");
        assertThat(KafkaSchemaStore.decode(record(key, value))).contains(entry);
    }

    @Test
    void shouldRoundTripGlobalAndSubjectConfig() {
        ConfigChange global = new ConfigChange(Optional.empty(), CompatibilityLevel.FULL);
        ConfigChange subject =
                new ConfigChange(Optional.of("users-value"), CompatibilityLevel.NONE);

        assertThat(decodeEncoded(global)).contains(global);
        assertThat(decodeEncoded(subject)).contains(subject);
        assertThat(KafkaSchemaStore.encodeKey(global)).contains("\"subject\":null");
    }

    @Test
    void shouldSkipRecordsItDoesNotUnderstand() {
        assertThat(KafkaSchemaStore.decode(record("{\"keytype\":\"NOOP\"}", "{}"))).isEmpty();
        assertThat(KafkaSchemaStore.decode(record("not json", "{}"))).isEmpty();
        assertThat(KafkaSchemaStore.decode(record("{\"keytype\":\"SCHEMA\"}", "{\"id\":1}")))
                .isEmpty();
        assertThat(KafkaSchemaStore.decode(record("{\"keytype\":\"SCHEMA\"}", null))).isEmpty();
    }

    private static Optional<StoreEntry> decodeEncoded(StoreEntry entry) {
        return KafkaSchemaStore.decode(
                record(KafkaSchemaStore.encodeKey(entry), KafkaSchemaStore.encodeValue(entry)));
    }

    private static ConsumerRecord<String, String> record(String key, String value) {
        return new ConsumerRecord<>("_schemas", 0, 0L, key, value);
    }
}

package io.captioner.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.schemas.Fixtures;
import io.captioner.schemas.registry.InMemorySchemaRegistryClient;
import java.util.List;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * Feeds seeded random and bit-flipped payloads behind valid headers of every topic schema: each
 * must either decode or fail with {@link SerializationException}, never with another exception.
 */
class DeserializerFuzzTest {

    private static final int CASES_PER_RECORD = 1_500;

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final AvroSerializer serializer = new AvroSerializer(registry);

    @Test
    void shouldOnlyEverThrowSerializationExceptionForHostileInput() {
        List<SpecificRecord> records =
                List.of(
                        Fixtures.inlineImage(),
                        Fixtures.caption(),
                        Fixtures.failure(),
                        Fixtures.labeledPair(),
                        Fixtures.envelope(Fixtures.manifest()),
                        Fixtures.envelope(Fixtures.chunk()),
                        Fixtures.envelope(Fixtures.activation()),
                        Fixtures.trainingRun(),
                        Fixtures.trainingCommand());
        Random random = new Random(20261126L);
        int decoded = 0;
        int rejected = 0;
        for (SpecificRecord record : records) {
            String topic = "fuzz-" + record.getSchema().getName();
            byte[] valid = serializer.serialize(topic, record);
            SpecificAvroDeserializer<SpecificRecord> deserializer =
                    new SpecificAvroDeserializer<>(registry, null);
            for (int i = 0; i < CASES_PER_RECORD; i++) {
                byte[] input = mutate(valid, random);
                try {
                    deserializer.deserialize(topic, input);
                    decoded++;
                } catch (SerializationException e) {
                    assertThat(e.getMessage()).contains("topic " + topic);
                    rejected++;
                }
            }
        }
        // Both outcomes occur, so the fuzzing reaches past the header checks.
        assertThat(decoded).isPositive();
        assertThat(rejected).isPositive();
    }

    private static byte[] mutate(byte[] valid, Random random) {
        switch (random.nextInt(3)) {
            case 0:
                {
                    // random payload behind the valid header
                    byte[] out = new byte[WireFormat.HEADER_SIZE + random.nextInt(80)];
                    System.arraycopy(valid, 0, out, 0, WireFormat.HEADER_SIZE);
                    for (int i = WireFormat.HEADER_SIZE; i < out.length; i++) {
                        out[i] = (byte) random.nextInt(256);
                    }
                    return out;
                }
            case 1:
                {
                    // a few flipped bits in the payload
                    byte[] out = valid.clone();
                    for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                        int at =
                                WireFormat.HEADER_SIZE
                                        + random.nextInt(out.length - WireFormat.HEADER_SIZE);
                        out[at] ^= (byte) (1 << random.nextInt(8));
                    }
                    return out;
                }
            default:
                {
                    // truncated or extended
                    int length = WireFormat.HEADER_SIZE + random.nextInt(valid.length + 8);
                    byte[] out = java.util.Arrays.copyOf(valid, length);
                    for (int i = valid.length; i < length; i++) {
                        out[i] = (byte) random.nextInt(256);
                    }
                    return out;
                }
        }
    }
}

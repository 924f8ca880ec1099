/**
 * Kafka serializers and deserializers for Avro records in the Confluent Schema Registry wire format
 * ({@link io.captioner.schemas.serde.WireFormat}), byte-compatible with Confluent's and configured
 * with the same keys ({@link io.captioner.schemas.serde.AvroSerdeConfig}).
 *
 * <p>{@link io.captioner.schemas.serde.SpecificAvroSerde} is the serde of the generated records;
 * {@link io.captioner.schemas.serde.AvroSerializer} and {@link
 * io.captioner.schemas.serde.AvroDeserializer} also handle generic records (e.g. for tools that
 * print any topic). {@link io.captioner.schemas.serde.SerdeFactory} picks the serde class by name,
 * so Confluent's own serde can be plugged in. Malformed input always raises {@link
 * org.apache.kafka.common.errors.SerializationException}.
 */
package io.captioner.schemas.serde;

/**
 * The captioner's Kafka contracts: topic names and serdes ({@link io.captioner.schemas.Topics},
 * {@link io.captioner.schemas.Topic}), the key scheme of the {@code models} topic ({@link
 * io.captioner.schemas.ModelTopicKeys}) and the rules of the events that Avro cannot express
 * ({@link io.captioner.schemas.EventValidation}).
 *
 * <p>The records themselves are generated from {@code src/main/resources/avro/} into package {@code
 * io.captioner.events}: {@code ImageEvent} ({@code images}), {@code CaptionEvent} ({@code
 * captions}), {@code CaptionFailure} ({@code captions-dlq}), {@code LabeledPair} ({@code
 * labeled-pairs}) and {@code ModelTopicRecord} ({@code models}), an envelope whose {@code payload}
 * union holds a {@code ModelManifest}, {@code ModelChunk} or {@code ModelActivation} so the topic
 * keeps one value subject under the TopicNameStrategy. Every optional field is a {@code ["null",
 * T]} union with default null and every enum has a default symbol, so fields and symbols can be
 * added compatibly.
 */
package io.captioner.schemas;

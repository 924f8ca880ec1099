/**
 * The Kafka Streams captioning application: image events in, captions out, failures to the
 * dead-letter topic. {@link io.captioner.streams.CaptioningApp} runs the topology of {@link
 * io.captioner.streams.processor.CaptioningTopology} with the model of a {@link
 * io.captioner.streams.model.ModelHolder} and the ops endpoint; {@link
 * io.captioner.streams.CaptioningAppMain} runs it as a process.
 */
package io.captioner.streams;

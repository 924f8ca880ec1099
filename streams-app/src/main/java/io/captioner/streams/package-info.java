/**
 * The Kafka Streams captioning application: image events in, captions out, failures to the
 * dead-letter topic, model versions hot-swapped from the model topic. Built by the streams-app
 * issue; this module exists so the build, module map and dependencies are in place.
 */
package io.captioner.streams;

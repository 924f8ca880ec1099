/** The captioning topology: batching processor, buffer store, dead-letter mapping and metrics. */
package io.captioner.streams.processor;

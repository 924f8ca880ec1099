/**
 * The model the stream processors caption with: a reference-counted {@link
 * io.captioner.streams.model.ServingModel} held by a {@link
 * io.captioner.streams.model.ModelHolder}, leased per batch so it can be replaced between batches.
 */
package io.captioner.streams.model;

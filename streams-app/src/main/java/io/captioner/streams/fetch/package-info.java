/**
 * Claim-check image fetching: {@link io.captioner.streams.fetch.ImageFetcher} turns the URI of an
 * image event into bytes under a file-system and network policy and fails with a typed {@link
 * io.captioner.streams.fetch.ImageFetchException} whose reason maps onto the dead-letter codes.
 * Nothing here depends on Kafka, so the policy can be tested with real files and servers alone.
 */
package io.captioner.streams.fetch;

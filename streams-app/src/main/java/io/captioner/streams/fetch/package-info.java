/**
 * Claim-check image fetching: {@link io.captioner.streams.fetch.ImageFetcher} turns the URI of an
 * image event into bytes and fails with a typed {@link
 * io.captioner.streams.fetch.ImageFetchException} whose reason maps onto the dead-letter codes.
 * {@link io.captioner.streams.fetch.FetchPolicy} and {@link
 * io.captioner.streams.fetch.NetworkAllowList} decide what may be fetched without side effects;
 * {@code FileImageSource} and {@code HttpImageSource} do the I/O. Nothing here depends on Kafka, so
 * the policy can be tested with real files and servers alone.
 */
package io.captioner.streams.fetch;

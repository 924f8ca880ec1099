/**
 * The operations side of the streams app: a dependency-free {@link
 * io.captioner.streams.ops.MetricsRegistry} rendering Prometheus text format 0.0.4, and {@link
 * io.captioner.streams.ops.OpsHttpServer} serving health, readiness, metrics and the loaded model's
 * manifest over the JDK HTTP server. Free of Kafka types so it can be wired to any status source.
 */
package io.captioner.streams.ops;

/**
 * What every captioner service serves to operators: {@link io.captioner.ops.OpsServer} ({@code
 * /health}, {@code /ready}, {@code /metrics} and the service's own JSON endpoints, pages and
 * streams over the JDK HTTP server), the health model ({@link io.captioner.ops.HealthStatus},
 * {@link io.captioner.ops.HealthCheck}) and {@link io.captioner.ops.ServiceMetrics} (Micrometer's
 * Prometheus registry with the JVM and Kafka binders). Shared by the streams app and the training
 * service so that both answer probes and scrapes the same way.
 */
package io.captioner.ops;

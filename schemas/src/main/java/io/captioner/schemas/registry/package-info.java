/**
 * Clients of a Confluent-compatible Schema Registry.
 *
 * <p>{@link io.captioner.schemas.registry.SchemaRegistryClient} is the API; {@link
 * io.captioner.schemas.registry.RestSchemaRegistryClient} speaks the REST protocol ({@code
 * application/vnd.schemaregistry.v1+json}) with caching, bounded retries and timeouts; {@link
 * io.captioner.schemas.registry.InMemorySchemaRegistryClient} keeps subjects in memory with the
 * same semantics, compatibility checks included ({@link
 * io.captioner.schemas.registry.CompatibilityLevel}). {@link
 * io.captioner.schemas.registry.SchemaRegistryClients#fromConfig} creates either from {@code
 * schema.registry.url} ({@code mock://scope} for the shared in-memory one). Errors are typed
 * subclasses of {@link io.captioner.schemas.registry.SchemaRegistryException}.
 */
package io.captioner.schemas.registry;

package io.captioner.stack;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The same serde and registry contract against Apache Kafka and Confluent's own Schema Registry in
 * containers: proof that what we write is what Confluent reads and vice versa. Skipped where no
 * Docker engine runs (as on the project's CI machines).
 */
@Testcontainers(disabledWithoutDocker = true)
class ConfluentPlatformSerdeIT extends SerdeRegistryContract {

    private static final DockerImageName KAFKA = DockerImageName.parse("apache/kafka:4.1.0");
    private static final DockerImageName REGISTRY =
            DockerImageName.parse("confluentinc/cp-schema-registry:7.9.0");

    private static Network network;
    private static KafkaContainer kafka;
    private static GenericContainer<?> registry;

    @BeforeAll
    static void startContainers() {
        network = Network.newNetwork();
        kafka =
                new KafkaContainer(KAFKA)
                        .withNetwork(network)
                        .withNetworkAliases("kafka")
                        .withListener("kafka:19092");
        kafka.start();
        registry =
                new GenericContainer<>(REGISTRY)
                        .withNetwork(network)
                        .withExposedPorts(8081)
                        .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
                        .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
                        .withEnv(
                                "SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS",
                                "PLAINTEXT://kafka:19092")
                        .waitingFor(
                                Wait.forHttp("/subjects")
                                        .forStatusCode(200)
                                        .withStartupTimeout(Duration.ofMinutes(2)));
        registry.start();
    }

    @AfterAll
    static void stopContainers() {
        if (registry != null) {
            registry.stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
        if (network != null) {
            network.close();
        }
    }

    @Override
    protected String bootstrapServers() {
        return kafka.getBootstrapServers();
    }

    @Override
    protected String registryUrl() {
        return "http://" + registry.getHost() + ":" + registry.getMappedPort(8081);
    }
}

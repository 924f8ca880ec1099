package io.captioner.modeltopic;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.schemas.Topics;
import io.captioner.stack.LocalStack;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opt-in measurement of a resnet50-sized artifact (default 100 MiB) through publish, read and
 * assemble on the embedded broker; too slow and disk-hungry for the default suite. Run with {@code
 * -Dcaptioner.bench.largeModel=true [-Dcaptioner.bench.largeModel.mib=100]}. It logs the timings
 * and asserts only correctness.
 */
@EnabledIfSystemProperty(named = "captioner.bench.largeModel", matches = "true")
class LargeArtifactRoundTripIT {

    private static final Logger LOG = LoggerFactory.getLogger(LargeArtifactRoundTripIT.class);

    @TempDir Path dir;

    @Test
    void shouldRoundTripResnetSizedArtifact() throws Exception {
        int mib = Integer.getInteger("captioner.bench.largeModel.mib", 100);
        Path file = dir.resolve("large.bin");
        Random random = new Random(42);
        byte[] block = new byte[1024 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < mib; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        try (LocalStack stack =
                LocalStack.builder().optTemporary().optKafkaPort(0).optRegistryPort(0).build()) {
            stack.start();
            Topics topics = Topics.create(Map.of("schema.registry.url", stack.registryUrl()));
            ManifestInfo info =
                    ManifestInfo.builder()
                            .setModelName("cap")
                            .setVersion("large")
                            .setArchitecture(TestModels.architecture())
                            .build();
            long t0 = System.nanoTime();
            try (ModelPublisher publisher =
                    ModelPublisher.builder()
                            .setBootstrapServers(stack.bootstrapServers())
                            .setTopics(topics)
                            .build()) {
                publisher.publish(file, info, true);
            }
            long t1 = System.nanoTime();
            ModelTopicReader reader =
                    ModelTopicReader.builder()
                            .setBootstrapServers(stack.bootstrapServers())
                            .setTopics(topics)
                            .optWorkDirectory(dir.resolve("work"))
                            .build();
            try (ModelCatalog catalog = reader.readToEnd()) {
                long t2 = System.nanoTime();
                VerifiedArtifact artifact = catalog.assemble("cap", "large").orElseThrow();
                long t3 = System.nanoTime();
                assertThat(Files.mismatch(artifact.path(), file)).isEqualTo(-1L);
                LOG.info(
                        "{} MiB: publish {} ms, readToEnd (spool) {} ms, assemble+verify {} ms",
                        mib,
                        (t1 - t0) / 1_000_000,
                        (t2 - t1) / 1_000_000,
                        (t3 - t2) / 1_000_000);
            }
        }
    }
}

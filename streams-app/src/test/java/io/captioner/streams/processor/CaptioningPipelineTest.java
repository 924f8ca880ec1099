package io.captioner.streams.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.events.ImageEvent;
import io.captioner.model.Captioner;
import io.captioner.schemas.Topics;
import io.captioner.streams.Fixtures;
import io.captioner.streams.config.StreamsAppConfig;
import io.captioner.streams.model.ModelHolder;
import io.captioner.streams.model.ServingModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batching across the lanes (tasks) of one pipeline, with the real tiny model. */
class CaptioningPipelineTest {

    private static final long NEVER_MS = 600_000;

    @TempDir static Path dir;
    private static Path modelFile;

    private ModelHolder models;
    private CaptioningMetrics metrics;
    private CaptioningPipeline pipeline;
    private Topics topics;
    private Serializer<ImageEvent> serializer;

    @BeforeAll
    static void createModel() throws Exception {
        modelFile = Fixtures.tinyModel(dir);
    }

    @BeforeEach
    void startPipeline() throws Exception {
        StreamsAppConfig config =
                StreamsAppConfig.of(
                        Map.of(
                                StreamsAppConfig.SCHEMA_REGISTRY_URL,
                                "mock://" + UUID.randomUUID(),
                                StreamsAppConfig.PROCESSING_GUARANTEE,
                                StreamsConfig.AT_LEAST_ONCE,
                                StreamsAppConfig.DATA_DIR,
                                dir.resolve("data").toString()));
        models = new ModelHolder();
        models.install(ServingModel.of(Captioner.load(modelFile)));
        metrics = CaptioningMetrics.standalone();
        topics = CaptioningTopology.topics(config);
        serializer = topics.images().valueSerde().serializer();
        pipeline =
                CaptioningPipeline.builder(config, topics)
                        .setModels(models)
                        .setMetrics(metrics)
                        .optInputThreads(2)
                        .optInferenceThreads(1)
                        .build();
    }

    @AfterEach
    void close() {
        pipeline.close();
        models.close();
    }

    @Test
    void shouldFillOneBatchFromTheImagesOfSeveralLanes() throws Exception {
        // Given two lanes (partitions) with two prepared images each and a batch of four
        PipelineLane first = pipeline.openLane("0_0", 8, 4, NEVER_MS);
        PipelineLane second = pipeline.openLane("0_1", 8, 4, NEVER_MS);

        // When the images are submitted, long before any lane's wait ends
        submit(first, 0, "a", "b");
        submit(second, 0, "c", "d");

        // Then one full batch captions all four
        List<PipelineItem> done = drainUntil(4, first, second);
        assertThat(done)
                .extracting(PipelineItem::imageId)
                .containsExactlyInAnyOrder("a", "b", "c", "d");
        assertThat(done).allSatisfy(i -> assertThat(i.outcome().caption()).isNotNull());
        assertThat(metrics.batches()).isEqualTo(1);
        assertThat(metrics.batchedImages()).isEqualTo(4.0);
    }

    @Test
    void shouldSendAFullBatchOfTheSmallestLaneBatchWithoutWaitingForATick() throws Exception {
        // Given a lane that batches four and one that batches two, neither ever due by time
        PipelineLane wide = pipeline.openLane("0_0", 8, 4, NEVER_MS);
        PipelineLane narrow = pipeline.openLane("0_1", 8, 2, NEVER_MS);

        // When two images are prepared in all, the smaller batch size
        submit(narrow, 0, "a", "b");

        // Then they leave as one full batch of two, with no tick to send it
        assertThat(drainUntil(2, wide, narrow))
                .extracting(PipelineItem::imageId)
                .containsExactlyInAnyOrder("a", "b");
        assertThat(metrics.batches()).isEqualTo(1);
    }

    @Test
    void shouldSendAPartialBatchAcrossLanesOnceItsOldestImageWaited() throws Exception {
        PipelineLane first = pipeline.openLane("0_0", 8, 16, 1_000);
        PipelineLane second = pipeline.openLane("0_1", 8, 16, 1_000);
        submit(first, 0, "a");
        submit(second, 10, "b", "c");
        awaitPrepared(first, second, 3);

        first.tick(999);
        Thread.sleep(300);
        assertThat(metrics.batches()).as("nothing waited 1 s yet").isZero();
        second.tick(1_000);

        assertThat(drainUntil(3, first, second))
                .extracting(PipelineItem::imageId)
                .containsExactlyInAnyOrder("a", "b", "c");
        assertThat(metrics.batches()).isEqualTo(1);
    }

    @Test
    void shouldLeaveTheImagesOfAClosedLaneOutOfTheBatch() throws Exception {
        PipelineLane first = pipeline.openLane("0_0", 8, 3, NEVER_MS);
        PipelineLane second = pipeline.openLane("0_1", 8, 3, NEVER_MS);
        submit(first, 0, "a", "b");
        awaitPrepared(first, second, 2);

        first.close();
        submit(second, 0, "c", "d", "e");

        assertThat(drainUntil(3, second))
                .extracting(PipelineItem::imageId)
                .containsExactlyInAnyOrder("c", "d", "e");
        assertThat(metrics.batchedImages()).isEqualTo(3.0);
    }

    private void submit(PipelineLane lane, long bufferedAtMs, String... ids) {
        long offset = 0;
        for (String id : ids) {
            byte[] value =
                    serializer.serialize(
                            topics.images().name(),
                            Fixtures.inline(id, Fixtures.png(id.hashCode())));
            PendingImage image =
                    new PendingImage(
                            topics.images().name(),
                            0,
                            offset++,
                            0,
                            bufferedAtMs,
                            id.getBytes(StandardCharsets.UTF_8),
                            value);
            lane.submit(new PipelineItem(image, models.tryAcquire().orElseThrow()));
        }
    }

    private static void awaitPrepared(PipelineLane first, PipelineLane second, int n)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (first.offer(16).size() + second.offer(16).size() < n) {
            assertThat(System.nanoTime()).as("images prepared").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static List<PipelineItem> drainUntil(int n, PipelineLane... lanes)
            throws InterruptedException {
        List<PipelineItem> done = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (done.size() < n) {
            assertThat(System.nanoTime())
                    .as(done.size() + " of " + n + " done")
                    .isLessThan(deadline);
            for (PipelineLane lane : lanes) {
                done.addAll(lane.drain());
            }
            Thread.sleep(10);
        }
        return done;
    }
}

package io.captioner.schemas;

import io.captioner.events.AlternativeCaption;
import io.captioner.events.CaptionEvent;
import io.captioner.events.CaptionFailure;
import io.captioner.events.DecodingStrategy;
import io.captioner.events.FailureReason;
import io.captioner.events.ImageEvent;
import io.captioner.events.LabeledPair;
import io.captioner.events.ModelActivation;
import io.captioner.events.ModelArchitecture;
import io.captioner.events.ModelChunk;
import io.captioner.events.ModelManifest;
import io.captioner.events.ModelTopicRecord;
import io.captioner.events.SplitHint;
import io.captioner.events.TrainingCommand;
import io.captioner.events.TrainingDecision;
import io.captioner.events.TrainingRun;
import io.captioner.events.TrainingTrigger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Sample records of every contract type, with every optional field set where possible. */
public final class Fixtures {

    public static final Instant T0 = Instant.ofEpochMilli(1_700_000_000_123L);
    public static final String SHA = "ab".repeat(32);

    private Fixtures() {}

    public static ImageEvent inlineImage() {
        return ImageEvent.newBuilder()
                .setImageId("img-1")
                .setImageBytes(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2}))
                .setContentType("image/jpeg")
                .setSource("camera-7")
                .setAttributes(Map.of("site", "lab", "lens", "wide"))
                .setEventTime(T0)
                .build();
    }

    public static ImageEvent uriImage() {
        return ImageEvent.newBuilder()
                .setImageId("img-2")
                .setImageUri("file:///data/images/img-2.jpg")
                .setEventTime(T0)
                .build();
    }

    public static CaptionEvent caption() {
        return CaptionEvent.newBuilder()
                .setImageId("img-1")
                .setCaption("a dog runs on the grass")
                .setTokens(List.of("a", "dog", "runs", "on", "the", "grass"))
                .setScore(-3.25)
                .setAlternatives(
                        List.of(
                                AlternativeCaption.newBuilder()
                                        .setText("a dog on grass")
                                        .setTokens(List.of("a", "dog", "on", "grass"))
                                        .setScore(-4.5)
                                        .build()))
                .setModelName("captioner")
                .setModelVersion("v3")
                .setDecodingStrategy(DecodingStrategy.BEAM)
                .setBeamSize(3)
                .setImageEventTime(T0)
                .setCaptionedTime(T0.plusMillis(42))
                .setLatencyMillis(42)
                .build();
    }

    public static CaptionFailure failure() {
        return CaptionFailure.newBuilder()
                .setReason(FailureReason.UNDECODABLE_IMAGE)
                .setMessage("not a JPEG: bad SOI marker")
                .setImageId("img-9")
                .setSourceTopic("images")
                .setSourcePartition(2)
                .setSourceOffset(12345L)
                .setOriginalKey(
                        ByteBuffer.wrap("img-9".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .setOriginalValue(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 1, 9}))
                .setExceptionClass("javax.imageio.IIOException")
                .setFailureTime(T0)
                .build();
    }

    public static LabeledPair labeledPair() {
        return LabeledPair.newBuilder()
                .setImageId("flickr-1000268201")
                .setImageUri("file:///data/flickr8k/1000268201.jpg")
                .setContentType("image/jpeg")
                .setReferences(List.of("A child in a pink dress.", "A girl going into a house."))
                .setSplit(SplitHint.VALIDATION)
                .setSourceDataset("flickr8k")
                .build();
    }

    public static TrainingRun trainingRun() {
        return TrainingRun.newBuilder()
                .setRunId("20261202T061500Z-1a2b3c")
                .setModelName("captioner")
                .setTrigger(TrainingTrigger.COMMAND)
                .setForced(true)
                .setCommandId("cmd-1")
                .setStartedTime(T0)
                .setFinishedTime(T0.plusSeconds(90))
                .setPairsTrain(900)
                .setPairsValidation(100)
                .setSkipped(Map.of("UNDECODABLE_IMAGE", 2L, "EMPTY_CAPTION", 1L))
                .setWarmStart(true)
                .setParentVersion("v2")
                .setEpochs(6)
                .setTrainingSeconds(80.5)
                .setEvaluationSeconds(4.25)
                .setCandidateMetrics(Map.of("BLEU_4", 0.61, "CIDEr", 2.5))
                .setActiveMetrics(Map.of("BLEU_4", 0.55, "CIDEr", 2.1))
                .setGateMetric("CIDEr")
                .setGateMargin(0.05)
                .setDecision(TrainingDecision.PUBLISHED)
                .setReason("CIDEr 2.5 > 2.1 + 0.05")
                .setError(null)
                .setVersion("v3")
                .setHyperParameters(Map.of("encoder", "tiny-cnn", "epochs", "6"))
                .setPairOffsets(Map.of("0", 400L, "1", 300L, "2", 303L))
                .setControlOffset(7L)
                .build();
    }

    public static TrainingCommand trainingCommand() {
        return TrainingCommand.newBuilder()
                .setCommandId("cmd-1")
                .setModelName("captioner")
                .setForce(true)
                .setRequestedTime(T0)
                .setRequestedBy("ops@host-1")
                .build();
    }

    public static ModelManifest manifest() {
        return ModelManifest.newBuilder()
                .setModelName("captioner")
                .setVersion("v3")
                .setArtifactSizeBytes(1_000)
                .setSha256(SHA)
                .setChunkCount(2)
                .setChunkSizeBytes(512)
                .setArtifactFormat("djl-zip")
                .setArchitecture(
                        ModelArchitecture.newBuilder()
                                .setEncoderName("resnet50")
                                .setEmbedSize(256)
                                .setHiddenSize(512)
                                .setNumLayers(1)
                                .setVocabSize(8_000)
                                .setMaxCaptionLength(20)
                                .setInputImageSize(224)
                                .build())
                .setMetrics(Map.of("bleu4", 0.21, "val_loss", 2.5))
                .setParentVersion("v2")
                .setCreatedTime(T0)
                .setSignature(ByteBuffer.wrap(new byte[] {9, 8, 7}))
                .setSignatureKeyId("key-1")
                .build();
    }

    public static ModelChunk chunk() {
        return ModelChunk.newBuilder()
                .setModelName("captioner")
                .setVersion("v3")
                .setIndex(1)
                .setCount(2)
                .setSha256(SHA)
                .setData(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}))
                .build();
    }

    public static ModelActivation activation() {
        return ModelActivation.newBuilder()
                .setModelName("captioner")
                .setVersion("v3")
                .setActivatedTime(T0)
                .setReason("bleu4 improved")
                .setPreviousVersion("v2")
                .build();
    }

    public static ModelTopicRecord envelope(Object payload) {
        return ModelTopicRecord.newBuilder().setPayload(payload).build();
    }
}

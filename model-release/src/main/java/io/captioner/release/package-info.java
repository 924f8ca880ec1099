/**
 * Where captioner model artifacts meet the {@code models} topic: {@link
 * io.captioner.release.CaptionerArtifacts} maps an artifact's own manifest (DJL world, module
 * {@code model}) to the {@link io.captioner.modeltopic.ManifestInfo} the protocol publishes (module
 * {@code model-topic}, which stays free of DJL so every client of the topic can use it).
 */
package io.captioner.release;

/**
 * The wire protocol of the compacted {@code models} topic: publish, sign, read, verify and watch
 * model versions. No DJL here (an enforcer rule keeps it out); module {@code model-release} maps
 * captioner artifacts to {@link io.captioner.modeltopic.ManifestInfo}.
 *
 * <h2>Protocol</h2>
 *
 * <ul>
 *   <li><b>Topic.</b> {@code models} has exactly one partition, so all readers see records in one
 *       order, and {@code cleanup.policy=compact}. {@link io.captioner.modeltopic.ModelTopicAdmin}
 *       creates it so if missing and refuses a topic with more partitions.
 *   <li><b>Keys</b> ({@link io.captioner.schemas.ModelTopicKeys}). Every version's manifest ({@code
 *       <name>/<version>/manifest}), every chunk ({@code <name>/<version>/chunk/<index>}) and every
 *       activation ({@code <name>/activation/<sequence>}) has a key of its own, so compaction keeps
 *       every retained version whole and every activation. Publishers also copy each activation
 *       under the legacy key {@code <name>/activation} that readers before sequences follow.
 *   <li><b>Values</b> are {@code ModelTopicRecord} envelopes holding a {@code ModelManifest},
 *       {@code ModelChunk} or {@code ModelActivation}; a {@code null} value (tombstone) deletes
 *       what its key names (activations only for readers without trusted keys).
 *   <li><b>Publication</b> ({@link io.captioner.modeltopic.ModelTransaction}). An artifact (one
 *       file) is cut into chunks of {@code chunkSizeBytes} (default 512 KiB, at most {@value
 *       io.captioner.modeltopic.ModelPublisher#MAX_CHUNK_BYTES} bytes, so records stay well under
 *       Kafka's default 1 MiB message limit); the last chunk holds the rest. Empty artifacts are
 *       refused. The manifest is written first (so a reader can verify it before holding any
 *       chunk), then the chunks, then (optionally) the activation, then retention tombstones, all
 *       in <em>one</em> Kafka transaction, together with any records of the caller's own. Readers
 *       use {@code isolation.level=read_committed}, so they see a version either completely or not
 *       at all, and never an activation before its version.
 *   <li><b>Versions</b> are opaque strings chosen by the model producer, unique per model name:
 *       publishing an existing version with another sha256 is refused ({@link
 *       io.captioner.modeltopic.ModelPublishException.Reason#VERSION_CONFLICT}); with the same
 *       sha256 it is a no-op. Versions are ordered by the offset of their first record.
 *   <li><b>Activation.</b> Only a version whose manifest and all chunks are on the topic can be
 *       activated. Each activation carries the next sequence of its model (highest on the topic +
 *       1), the sha256 of the activated artifact, and the version active before it as {@code
 *       previousVersion}; activating an older version is a rollback, and {@link
 *       io.captioner.modeltopic.ModelTransaction#rollback} re-activates {@code previousVersion}.
 *   <li><b>The activation in force</b> ({@link io.captioner.modeltopic.ModelCatalog#activation}):
 *       without trusted keys the latest activation record on the topic; with trusted keys the
 *       validly signed activation with the highest sequence, so a forged, replayed or deleted
 *       activation changes nothing, also for a reader starting on the compacted topic.
 *   <li><b>Retention.</b> With {@code retainVersions = n > 0} the publisher keeps the newest {@code
 *       n} versions of a model plus the active one; older versions are deleted by tombstones on
 *       their manifest and all their chunk keys, in the same transaction as the publication that
 *       pushed them out (or by {@link io.captioner.modeltopic.ModelPublisher#prune}). The active
 *       version is never pruned; activations are kept. A pruned version is gone for readers at
 *       once; compaction reclaims the bytes later.
 *   <li><b>Signatures</b> (optional). Manifests and activations may carry an Ed25519 signature and
 *       the id of the signing key ({@link io.captioner.modeltopic.ModelSigning} defines the signed
 *       bytes). A reader with {@link io.captioner.modeltopic.TrustedKeys} refuses unsigned ones,
 *       unknown keys and bad signatures.
 * </ul>
 *
 * <h2>Reading</h2>
 *
 * <p>Readers ({@link io.captioner.modeltopic.ModelTopicReader}) are not consumer-group members:
 * they assign the partition and read from the beginning, building a {@link
 * io.captioner.modeltopic.ModelCatalog}. A manifest is verified when it arrives (size within {@link
 * io.captioner.modeltopic.CatalogLimits#maxArtifactBytes()}, signature with trusted keys), and only
 * the chunks it announces are stored; chunks ahead of their manifest are held within {@link
 * io.captioner.modeltopic.CatalogLimits#maxUnverifiedBytes()}. {@link
 * io.captioner.modeltopic.ModelCatalog#assemble} reassembles a version into a file only after
 * checking the manifest, that all chunks are there, the sizes, every chunk's sha256 and the whole
 * sha256; any failure is a {@link io.captioner.modeltopic.ModelVerificationException} with a typed
 * reason. A {@link io.captioner.modeltopic.ModelTopicWatcher} follows the topic and calls a {@link
 * io.captioner.modeltopic.ModelTopicListener} when the activation in force changes, holding an
 * activation until its version is complete; whatever the listener throws, errors included, is
 * logged and the watcher goes on.
 *
 * <p>Memory: with {@link io.captioner.modeltopic.ChunkStorage#SPOOL} (the default) a reader keeps
 * each chunk's bytes once, in a file of a spool directory, and only metadata on the heap; with
 * {@code MEMORY} the bytes stay on the heap; with {@code METADATA_ONLY} (CLIs, the publisher) they
 * are dropped.
 */
package io.captioner.modeltopic;

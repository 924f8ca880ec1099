/**
 * Hot-swapping captioning models over Kafka: publish, sign, read, verify and watch model versions
 * on the compacted {@code models} topic.
 *
 * <h2>Protocol</h2>
 *
 * <ul>
 *   <li><b>Topic.</b> {@code models} has exactly one partition, so all readers see records in one
 *       order, and {@code cleanup.policy=compact}. {@link io.captioner.modeltopic.ModelPublisher}
 *       creates it so if missing and refuses a topic with more partitions.
 *   <li><b>Keys</b> ({@link io.captioner.schemas.ModelTopicKeys}). Every version's manifest ({@code
 *       <name>/<version>/manifest}) and every chunk ({@code <name>/<version>/chunk/<index>}) has a
 *       key of its own, so compaction keeps every retained version whole. Activations share one key
 *       per model ({@code <name>/activation}), so compaction keeps only the latest: it is the
 *       model's active version.
 *   <li><b>Values</b> are {@code ModelTopicRecord} envelopes holding a {@code ModelManifest},
 *       {@code ModelChunk} or {@code ModelActivation}; a {@code null} value (tombstone) deletes
 *       what its key names.
 *   <li><b>Publication.</b> An artifact (one file) is cut into chunks of {@code chunkSizeBytes}
 *       (default 512 KiB, at most {@value io.captioner.modeltopic.ModelPublisher#MAX_CHUNK_BYTES}
 *       bytes, so records stay well under Kafka's default 1 MiB message limit); the last chunk
 *       holds the rest. Empty artifacts are refused. The chunks are written first, then the
 *       manifest, then (optionally) the activation, then retention tombstones, all in <em>one</em>
 *       Kafka transaction. Readers use {@code isolation.level=read_committed}, so they see a
 *       version either completely or not at all, and never an activation before its version.
 *   <li><b>Versions</b> are opaque strings chosen by the model producer, unique per model name:
 *       publishing an existing version with another sha256 is refused ({@link
 *       io.captioner.modeltopic.ModelPublishException.Reason#VERSION_CONFLICT}); with the same
 *       sha256 it is a no-op. Versions are ordered by the offset of their first record.
 *   <li><b>Activation.</b> Only a version whose manifest and all chunks are on the topic can be
 *       activated. Each activation records the version active before it as {@code previousVersion};
 *       activating an older version is a rollback, and {@link
 *       io.captioner.modeltopic.ModelPublisher#rollback} re-activates {@code previousVersion}.
 *   <li><b>Retention.</b> With {@code retainVersions = n > 0} the publisher keeps the newest {@code
 *       n} versions of a model plus the active one; older versions are deleted by tombstones on
 *       their manifest and all their chunk keys, in the same transaction as the publication that
 *       pushed them out (or by {@link io.captioner.modeltopic.ModelPublisher#prune}). The active
 *       version is never pruned. A pruned version is gone for readers at once; compaction reclaims
 *       the bytes later.
 *   <li><b>Signatures</b> (optional). A manifest may carry an Ed25519 signature over its canonical
 *       identity bytes and the id of the signing key ({@link io.captioner.modeltopic.ModelSigning}
 *       defines both). A reader with {@link io.captioner.modeltopic.TrustedKeys} refuses unsigned
 *       manifests, unknown keys and bad signatures.
 * </ul>
 *
 * <h2>Reading</h2>
 *
 * <p>Readers ({@link io.captioner.modeltopic.ModelTopicReader}) are not consumer-group members:
 * they assign the partition and read from the beginning, building a {@link
 * io.captioner.modeltopic.ModelCatalog}. {@link io.captioner.modeltopic.ModelCatalog#assemble}
 * reassembles a version into a file only after checking that the manifest exists, the signature,
 * that all chunks are there, the sizes, every chunk's sha256 and the whole sha256; any failure is a
 * {@link io.captioner.modeltopic.ModelVerificationException} with a typed reason. A {@link
 * io.captioner.modeltopic.ModelTopicWatcher} follows the topic and calls a {@link
 * io.captioner.modeltopic.ModelTopicListener} on activations, holding an activation until its
 * version is complete.
 *
 * <p>Memory: with {@link io.captioner.modeltopic.ChunkStorage#SPOOL} (the default) a reader keeps
 * each chunk's bytes once, in a file of a spool directory, and only metadata on the heap; with
 * {@code MEMORY} the bytes stay on the heap; with {@code METADATA_ONLY} (CLIs, the publisher) they
 * are dropped.
 */
package io.captioner.modeltopic;

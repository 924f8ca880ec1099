/**
 * Caption evaluation metrics computed exactly as the COCO caption toolkit (pycocoevalcap) computes
 * them, so numbers from this project can be put next to published ones.
 *
 * <p>{@link io.captioner.model.metrics.CaptionMetrics} is the one-call entry point: raw captions
 * in, {@link io.captioner.model.metrics.MetricScores} (BLEU_1..4, ROUGE_L, CIDEr) out. The building
 * blocks are public for finer use: {@link io.captioner.model.metrics.PtbTokenizer} (the toolkit's
 * Stanford PTB tokenization and punctuation removal), and the scorers {@link
 * io.captioner.model.metrics.Bleu}, {@link io.captioner.model.metrics.RougeL} and {@link
 * io.captioner.model.metrics.CiderD} over token lists keyed by image id. All classes are stateless
 * or immutable and safe to share between threads.
 *
 * <p>METEOR and SPICE are not provided: the toolkit computes them with jars (METEOR 1.5 with its
 * paraphrase data, SPICE with its models) that are not published on Maven Central. See {@code
 * model/METRICS.md}.
 */
package io.captioner.model.metrics;

/** The dataset of record read from {@code labeled-pairs}: entries, split, image cache, skips. */
package io.captioner.training.data;

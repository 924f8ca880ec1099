package io.captioner.training.data;

/** Why a labeled pair was left out of the dataset; the names appear in metrics and run records. */
public enum SkipReason {
    /** The record could not be deserialized or breaks the LabeledPair contract. */
    INVALID_RECORD,
    /** No reference caption, or a blank one. */
    EMPTY_CAPTION,
    /** A reference caption longer than the configured limit. */
    CAPTION_TOO_LONG,
    /** The encoded image exceeds the configured byte limit or the decoder's pixel limit. */
    OVERSIZED_IMAGE,
    /** The image bytes are broken or in a format the decoder does not read. */
    UNDECODABLE_IMAGE,
    /** The image URI's scheme or location is not allowed. */
    FORBIDDEN_URI,
    /** The image URI was allowed but could not be read. */
    FETCH_FAILED
}

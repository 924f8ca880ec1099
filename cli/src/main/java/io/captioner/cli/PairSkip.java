package io.captioner.cli;

/** Why an image of a dataset was not published as a labeled pair. */
public enum PairSkip {
    /** The caption file lists a row or record that cannot be read. */
    UNREADABLE_LISTING("unreadable caption row"),
    /** The listed image file does not exist. */
    MISSING_IMAGE("missing image file"),
    /** The file exists but is not a decodable image. */
    UNDECODABLE_IMAGE("undecodable image"),
    /** Every caption of the image is empty or over-long. */
    NO_USABLE_CAPTION("no usable caption (empty or over-long)"),
    /** The image does not fit in a record of the topic (inline bytes over the limit). */
    OVERSIZED("oversized for the topic");

    private final String description;

    PairSkip(String description) {
        this.description = description;
    }

    /** What a user reads in the summary. */
    public String description() {
        return description;
    }
}

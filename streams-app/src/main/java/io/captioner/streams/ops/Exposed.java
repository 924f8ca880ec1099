package io.captioner.streams.ops;

/** Something the registry can render: one metric family with its HELP and TYPE lines. */
interface Exposed {

    /** The family name, unique within a registry. */
    String name();

    /** Appends the HELP and TYPE lines and every sample. */
    void write(StringBuilder out);
}

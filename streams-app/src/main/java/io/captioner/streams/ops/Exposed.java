package io.captioner.streams.ops;

/**
 * Something the registry can render: one metric family with its HELP and TYPE lines. An abstract
 * class rather than an interface so that these methods stay out of the public metric types' API.
 */
abstract class Exposed {

    /** The family name, unique within a registry. */
    abstract String name();

    /** Appends the HELP and TYPE lines and every sample. */
    abstract void write(StringBuilder out);
}

package io.captioner.stack.internal;

import java.util.List;

/** Durable, ordered log of registry changes; the registry's state is a replay of it. */
public interface SchemaStore extends AutoCloseable {

    /** Reads every entry written so far, oldest first, to rebuild the state on start. */
    List<StoreEntry> readAll();

    /**
     * Writes one entry durably before returning, so the caller may acknowledge it.
     *
     * @throws RegistryException with code 50001 if the write fails
     */
    void append(StoreEntry entry);

    /** Releases the store's clients. */
    @Override
    void close();
}

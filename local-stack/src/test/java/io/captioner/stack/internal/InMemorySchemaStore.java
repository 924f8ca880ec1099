package io.captioner.stack.internal;

import java.util.ArrayList;
import java.util.List;

/** A store that keeps entries in a list, to test the registry rules without a broker. */
final class InMemorySchemaStore implements SchemaStore {

    final List<StoreEntry> entries = new ArrayList<>();
    RuntimeException failure;

    @Override
    public synchronized List<StoreEntry> readAll() {
        return List.copyOf(entries);
    }

    @Override
    public synchronized void append(StoreEntry entry) {
        if (failure != null) {
            throw failure;
        }
        entries.add(entry);
    }

    @Override
    public void close() {}
}

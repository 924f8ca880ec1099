package io.captioner.modeltopic.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The retention policy of the {@code models} topic: keep the newest {@code retain} versions of a
 * model plus the ones that must stay (the active version); everything older goes. Pure, so the
 * publisher decides with it and tests check it without a broker.
 */
public final class Retention {

    private Retention() {}

    /**
     * The versions to delete.
     *
     * @param oldestFirst the model's versions, oldest first (versions published in the running
     *     transaction last)
     * @param retain how many of the newest to keep; 0 keeps all
     * @param alwaysKeep versions kept whatever their age (the active one, those just published)
     * @return the versions to delete, oldest first
     */
    public static List<String> versionsToDelete(
            List<String> oldestFirst, int retain, Set<String> alwaysKeep) {
        if (retain < 0) {
            throw new IllegalArgumentException("retain must be >= 0: " + retain);
        }
        if (retain == 0) {
            return List.of();
        }
        Set<String> keep = new HashSet<>(alwaysKeep);
        int newest = 0;
        for (int i = oldestFirst.size() - 1; i >= 0 && newest < retain; i--) {
            keep.add(oldestFirst.get(i));
            newest++;
        }
        List<String> delete = new ArrayList<>();
        for (String version : oldestFirst) {
            if (!keep.contains(version)) {
                delete.add(version);
            }
        }
        return delete;
    }
}

package io.captioner.model.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A validated, immutable corpus of tokenized hypotheses and references keyed by image id, the input
 * every scorer shares (the toolkit's {@code res} and {@code gts}).
 */
final class Corpus {

    private static final int MAX_IDS_IN_MESSAGE = 5;

    private final List<String> ids;
    private final Map<String, List<String>> hyps;
    private final Map<String, List<List<String>>> refs;

    private Corpus(
            List<String> ids,
            Map<String, List<String>> hyps,
            Map<String, List<List<String>>> refs) {
        this.ids = ids;
        this.hyps = hyps;
        this.refs = refs;
    }

    /**
     * Checks the inputs the way the toolkit's asserts do (same ids on both sides, at least one
     * reference per image) plus token sanity, and copies them in hypothesis order.
     */
    static Corpus of(Map<String, List<List<String>>> refs, Map<String, List<String>> hyps) {
        if (refs == null || hyps == null) {
            throw new IllegalArgumentException("refs and hyps must not be null");
        }
        if (hyps.isEmpty()) {
            throw new IllegalArgumentException("no hypotheses to score");
        }
        checkNoNullId(hyps.keySet(), "hyps");
        checkNoNullId(refs.keySet(), "refs");
        Set<String> missingRefs = new TreeSet<>(hyps.keySet());
        missingRefs.removeAll(refs.keySet());
        if (!missingRefs.isEmpty()) {
            throw new IllegalArgumentException(
                    "hypotheses without references for image ids " + describe(missingRefs));
        }
        Set<String> missingHyps = new TreeSet<>(refs.keySet());
        missingHyps.removeAll(hyps.keySet());
        if (!missingHyps.isEmpty()) {
            throw new IllegalArgumentException(
                    "references without a hypothesis for image ids " + describe(missingHyps));
        }
        List<String> ids = new ArrayList<>(hyps.size());
        Map<String, List<String>> hypCopy = new LinkedHashMap<>();
        Map<String, List<List<String>>> refCopy = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : hyps.entrySet()) {
            String id = e.getKey();
            ids.add(id);
            hypCopy.put(id, checkTokens(e.getValue(), "hypothesis of image " + id));
            List<List<String>> imageRefs = refs.get(id);
            if (imageRefs == null || imageRefs.isEmpty()) {
                throw new IllegalArgumentException("image " + id + " has no reference captions");
            }
            List<List<String>> imageRefCopy = new ArrayList<>(imageRefs.size());
            for (int i = 0; i < imageRefs.size(); i++) {
                imageRefCopy.add(
                        checkTokens(imageRefs.get(i), "reference " + i + " of image " + id));
            }
            refCopy.put(id, Collections.unmodifiableList(imageRefCopy));
        }
        return new Corpus(
                Collections.unmodifiableList(ids),
                Collections.unmodifiableMap(hypCopy),
                Collections.unmodifiableMap(refCopy));
    }

    /** Image ids in the order of the hypotheses map. */
    List<String> ids() {
        return ids;
    }

    /** The hypothesis tokens of one image. */
    List<String> hyp(String id) {
        return hyps.get(id);
    }

    /** The reference token lists of one image. */
    List<List<String>> refs(String id) {
        return refs.get(id);
    }

    // The toolkit scores space-joined strings that it splits again, so a token that is empty or
    // holds whitespace could not have come out of it and would score differently here.
    private static List<String> checkTokens(List<String> tokens, String what) {
        if (tokens == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        for (String token : tokens) {
            if (token == null || token.isEmpty()) {
                throw new IllegalArgumentException(what + " contains an empty or null token");
            }
            for (int i = 0; i < token.length(); i++) {
                if (isAsciiWhitespace(token.charAt(i))) {
                    throw new IllegalArgumentException(
                            what + " contains a token with whitespace: '" + token + "'");
                }
            }
        }
        return List.copyOf(tokens);
    }

    /** Whitespace as Python 2's {@code str.split()} sees it on the toolkit's byte strings. */
    static boolean isAsciiWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\u000B' || c == '\f';
    }

    private static void checkNoNullId(Set<String> ids, String what) {
        for (String id : ids) {
            if (id == null) {
                throw new IllegalArgumentException(what + " contains a null image id");
            }
        }
    }

    /** Lists the first few ids of a set for an error message. */
    static String describe(Set<String> ids) {
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (String id : ids) {
            if (shown == MAX_IDS_IN_MESSAGE) {
                sb.append(", ... (").append(ids.size()).append(" in all)");
                break;
            }
            sb.append(shown == 0 ? "" : ", ").append(id);
            shown++;
        }
        return "[" + sb + "]";
    }
}

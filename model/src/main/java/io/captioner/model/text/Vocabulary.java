package io.captioner.model.text;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Word-to-index mapping with the special tokens the decoder relies on; saved with each model so a
 * model always decodes with the vocabulary it was trained on.
 */
public final class Vocabulary {

    /** Padding token, index 0. */
    public static final String PAD = "<pad>";

    /** Start-of-caption token, index 1. */
    public static final String START = "<start>";

    /** End-of-caption token, index 2. */
    public static final String END = "<end>";

    /** Unknown-word token, index 3. */
    public static final String UNK = "<unk>";

    /** Index of {@link #PAD}. */
    public static final int PAD_ID = 0;

    /** Index of {@link #START}. */
    public static final int START_ID = 1;

    /** Index of {@link #END}. */
    public static final int END_ID = 2;

    /** Index of {@link #UNK}. */
    public static final int UNK_ID = 3;

    private final List<String> words;
    private final Map<String, Integer> index;

    private Vocabulary(List<String> words) {
        this.words = List.copyOf(words);
        Map<String, Integer> idx = new HashMap<>();
        for (int i = 0; i < this.words.size(); i++) {
            if (idx.put(this.words.get(i), i) != null) {
                throw new IllegalArgumentException("duplicate word in vocabulary: " + words.get(i));
            }
        }
        this.index = Collections.unmodifiableMap(idx);
    }

    /**
     * Builds a vocabulary from tokenized captions, keeping words seen at least {@code minCount}
     * times; ties are ordered alphabetically so the same corpus always gives the same indices.
     */
    public static Vocabulary build(Iterable<List<String>> tokenizedCaptions, int minCount) {
        if (minCount < 1) {
            throw new IllegalArgumentException("minCount must be >= 1, was " + minCount);
        }
        Map<String, Integer> counts = new TreeMap<>();
        for (List<String> caption : tokenizedCaptions) {
            for (String w : caption) {
                counts.merge(w, 1, Integer::sum);
            }
        }
        List<String> words = new ArrayList<>(List.of(PAD, START, END, UNK));
        counts.forEach(
                (w, c) -> {
                    if (c >= minCount && !words.contains(w)) {
                        words.add(w);
                    }
                });
        return new Vocabulary(words);
    }

    /** Restores a vocabulary from its word list (index order), validating the special tokens. */
    public static Vocabulary fromWords(List<String> words) {
        if (words.size() < 4
                || !words.get(PAD_ID).equals(PAD)
                || !words.get(START_ID).equals(START)
                || !words.get(END_ID).equals(END)
                || !words.get(UNK_ID).equals(UNK)) {
            throw new IllegalArgumentException(
                    "vocabulary must start with " + List.of(PAD, START, END, UNK));
        }
        return new Vocabulary(words);
    }

    /** The words in index order, for saving. */
    public List<String> words() {
        return words;
    }

    /** Number of entries including the special tokens. */
    public int size() {
        return words.size();
    }

    /** Index of a word, or {@link #UNK_ID} when unknown. */
    public int indexOf(String word) {
        return index.getOrDefault(word, UNK_ID);
    }

    /** Word at an index. */
    public String word(int id) {
        return words.get(id);
    }

    /** Encodes tokens as {@code <start> tokens... <end>}, the decoder's training target. */
    public int[] encodeCaption(List<String> tokens) {
        int[] ids = new int[tokens.size() + 2];
        ids[0] = START_ID;
        for (int i = 0; i < tokens.size(); i++) {
            ids[i + 1] = indexOf(tokens.get(i));
        }
        ids[ids.length - 1] = END_ID;
        return ids;
    }

    /** Decodes ids to words, stopping at {@code <end>} and skipping pad/start tokens. */
    public List<String> decode(int[] ids) {
        List<String> out = new ArrayList<>();
        for (int id : ids) {
            if (id == END_ID) {
                break;
            }
            if (id != PAD_ID && id != START_ID) {
                out.add(word(id));
            }
        }
        return out;
    }
}

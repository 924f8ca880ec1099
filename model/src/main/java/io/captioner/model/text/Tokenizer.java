package io.captioner.model.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lower-cased word tokenizer close to NLTK's {@code word_tokenize} (Treebank rules), the seed's
 * tokenizer, so vocabularies built here match the ones people build in Python.
 */
public final class Tokenizer {

    // Words (with inner apostrophes/hyphens), numbers, or any single non-space symbol.
    private static final Pattern TOKEN =
            Pattern.compile("[\\p{L}\\p{N}]+(?:[-'][\\p{L}\\p{N}]+)*|[^\\s\\p{L}\\p{N}]");

    private Tokenizer() {}

    /** Splits text into lower-case tokens; punctuation becomes separate tokens. */
    public static List<String> tokenize(String text) {
        List<String> tokens = new ArrayList<>();
        Matcher m = TOKEN.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            tokens.add(m.group());
        }
        return tokens;
    }
}

package io.captioner.model.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Lower-casing word tokenizer that follows NLTK's {@code word_tokenize(text.lower())}, the seed's
 * tokenizer, so vocabularies built here match the ones people build in Python.
 *
 * <p>Like NLTK it first splits the text into sentences and then applies the Penn Treebank rules of
 * NLTK's {@code NLTKWordTokenizer} to each: clitics split off ({@code "don't"} to {@code "do",
 * "n't"}, {@code "it's"} to {@code "it", "'s"}), double quotes become {@code ``} and {@code ''},
 * punctuation except inner periods, commas in numbers and hyphens becomes its own token, and a
 * sentence's final period is split off. NLTK's Punkt sentence splitter is approximated: a sentence
 * ends after a token ending in {@code .}, {@code ?} or {@code !} and a space, unless the token is a
 * common abbreviation, a single-letter initial, a number or an ellipsis.
 */
public final class Tokenizer {

    private static final int FLAGS = Pattern.UNICODE_CHARACTER_CLASS;

    private static final Rule[] STARTING_QUOTES = {
        new Rule("([«“‘„]|[`]+)", " $1 "),
        new Rule("^\"", "``"),
        new Rule("(``)", " $1 "),
        new Rule("([ (\\[{<])(\"|'{2})", "$1 `` "),
        new Rule("(?i)(')(?!re|ve|ll|m|t|s|d|n)(\\w)\\b", "$1 $2"),
    };

    private static final Rule[] PUNCTUATION = {
        new Rule("([^.])(\\.)([\\])}>\"'»”’ ]*)\\s*$", "$1 $2 $3 "),
        new Rule("([:,])([^\\d])", " $1 $2"),
        new Rule("([:,])$", " $1 "),
        new Rule("\\.{2,}", " $0 "),
        new Rule("[;@#$%&]", " $0 "),
        new Rule("([^.])(\\.)([\\])}>\"']*)\\s*$", "$1 $2$3 "),
        new Rule("[?!]", " $0 "),
        new Rule("([^'])' ", "$1 ' "),
        new Rule("[*]", " $0 "),
        // Parentheses and brackets, then double dashes.
        new Rule("[\\]\\[(){}<>]", " $0 "),
        new Rule("--", " -- "),
    };

    private static final Rule[] ENDING_QUOTES = {
        new Rule("([»”’])", " $1 "),
        new Rule("''", " '' "),
        new Rule("\"", " '' "),
        new Rule("([^' ])('[sS]|'[mM]|'[dD]|') ", "$1 $2 "),
        new Rule("([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) ", "$1 $2 "),
    };

    // Robert MacIntyre's contractions, as used by NLTK.
    private static final Rule[] CONTRACTIONS = {
        new Rule("(?i)\\b(can)(not)\\b", " $1 $2 "),
        new Rule("(?i)\\b(d)('ye)\\b", " $1 $2 "),
        new Rule("(?i)\\b(gim)(me)\\b", " $1 $2 "),
        new Rule("(?i)\\b(gon)(na)\\b", " $1 $2 "),
        new Rule("(?i)\\b(got)(ta)\\b", " $1 $2 "),
        new Rule("(?i)\\b(lem)(me)\\b", " $1 $2 "),
        new Rule("(?i)\\b(more)('n)\\b", " $1 $2 "),
        new Rule("(?i)\\b(wan)(na)(?=\\s)", " $1 $2 "),
        new Rule("(?i) ('t)(is)\\b", " $1 $2 "),
        new Rule("(?i) ('t)(was)\\b", " $1 $2 "),
    };

    private static final Pattern WHITESPACE = Pattern.compile("\\s+", FLAGS);
    private static final Pattern NUMBER = Pattern.compile("[\\d.,:/-]*\\d", FLAGS);

    // Abbreviations Punkt's English model does not end sentences after (lower-cased, no period).
    private static final Set<String> ABBREVIATIONS =
            Set.of(
                    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "vs", "etc", "e.g", "i.e",
                    "u.s", "u.k", "inc", "ltd", "co", "corp", "mt", "ft", "no", "approx", "ave",
                    "gen", "gov", "sen", "rep", "capt", "lt", "col", "sgt");

    private Tokenizer() {}

    /** Splits text into lower-case tokens the way {@code nltk.word_tokenize(text.lower())} does. */
    public static List<String> tokenize(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        List<String> tokens = new ArrayList<>();
        for (String sentence : sentences(lower)) {
            treebank(sentence, tokens);
        }
        return tokens;
    }

    private static void treebank(String sentence, List<String> out) {
        String text = sentence.strip();
        text = apply(STARTING_QUOTES, text);
        text = apply(PUNCTUATION, text);
        text = apply(ENDING_QUOTES, " " + text + " ");
        text = apply(CONTRACTIONS, text);
        for (String token : WHITESPACE.split(text.strip())) {
            if (!token.isEmpty()) {
                out.add(token);
            }
        }
    }

    private static String apply(Rule[] rules, String text) {
        for (Rule rule : rules) {
            text = rule.pattern.matcher(text).replaceAll(rule.replacement);
        }
        return text;
    }

    /** Approximates Punkt: splits after sentence-final punctuation followed by whitespace. */
    static List<String> sentences(String text) {
        List<String> sentences = new ArrayList<>();
        int start = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int tokenStart = i;
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i < n && i > tokenStart && endsSentence(text.substring(tokenStart, i))) {
                sentences.add(text.substring(start, i));
                start = i;
            }
        }
        if (start < n && !text.substring(start).isBlank()) {
            sentences.add(text.substring(start));
        }
        return sentences;
    }

    private static boolean endsSentence(String token) {
        int end = token.length();
        // Closing quotes and brackets may follow the sentence-final punctuation.
        while (end > 0 && "\"')]}»”’".indexOf(token.charAt(end - 1)) >= 0) {
            end--;
        }
        if (end == 0) {
            return false;
        }
        char last = token.charAt(end - 1);
        if (last == '?' || last == '!') {
            return true;
        }
        if (last != '.') {
            return false;
        }
        int begin = 0;
        while (begin < end && "\"'([{«“‘`".indexOf(token.charAt(begin)) >= 0) {
            begin++;
        }
        String word = token.substring(begin, end - 1);
        if (word.isEmpty() || word.endsWith(".")) {
            // A lone period or an ellipsis: Punkt does not break before a lower-case word.
            return word.isEmpty();
        }
        boolean initial = word.length() == 1 && Character.isLetter(word.charAt(0));
        return !initial && !ABBREVIATIONS.contains(word) && !NUMBER.matcher(word).matches();
    }

    private static final class Rule {
        final Pattern pattern;
        final String replacement;

        Rule(String regex, String replacement) {
            this.pattern = Pattern.compile(regex, FLAGS);
            this.replacement = replacement;
        }
    }
}

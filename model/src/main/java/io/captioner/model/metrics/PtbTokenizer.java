package io.captioner.model.metrics;

import edu.stanford.nlp.ling.CoreAnnotations;
import edu.stanford.nlp.ling.CoreLabel;
import edu.stanford.nlp.process.CoreLabelTokenFactory;
import edu.stanford.nlp.process.PTBTokenizer;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Penn Treebank tokenization of captions exactly as the COCO caption toolkit prepares them, so
 * scores computed here are comparable with published pycocoevalcap numbers.
 *
 * <p>The toolkit ({@code tokenizer/ptbtokenizer.py}) pipes all captions, one per line, through
 * {@code java edu.stanford.nlp.process.PTBTokenizer -preserveLines -lowerCase} of Stanford CoreNLP
 * 3.4.1 and then drops every token in its {@code PUNCTUATIONS} list. This class runs the same
 * CoreNLP tokenizer in-process with the options that command line sets ({@code tokenizeNLs}, tokens
 * lower-cased with {@link Locale#ENGLISH}), one caption at a time. Line breaks inside a caption
 * become spaces, as the toolkit's {@code caption.replace('\n', ' ')} does.
 */
public final class PtbTokenizer {

    /** Tokens removed after tokenization: the toolkit's {@code PUNCTUATIONS} list, verbatim. */
    public static final Set<String> PUNCTUATIONS =
            Set.of(
                    "''", "'", "``", "`", "-LRB-", "-RRB-", "-LCB-", "-RCB-", ".", "?", "!", ",",
                    ":", "-", "--", "...", ";");

    // PTBTokenizer.main turns -preserveLines into exactly this option string.
    private static final String OPTIONS = ",tokenizeNLs";

    private PtbTokenizer() {}

    /**
     * Tokenizes one caption into lower-case PTB tokens without the toolkit's punctuation tokens.
     *
     * @param caption the raw caption; may be empty, which gives an empty list
     * @return the tokens, unmodifiable
     * @throws NullPointerException if {@code caption} is null
     */
    public static List<String> tokenize(String caption) {
        Objects.requireNonNull(caption, "caption");
        String oneLine = caption.replace('\n', ' ');
        PTBTokenizer<CoreLabel> tokenizer =
                new PTBTokenizer<>(new StringReader(oneLine), new CoreLabelTokenFactory(), OPTIONS);
        List<String> tokens = new ArrayList<>();
        while (tokenizer.hasNext()) {
            String token = tokenizer.next().get(CoreAnnotations.TextAnnotation.class);
            // Other line terminators (\r, U+2028, ...) still yield newline tokens; the toolkit
            // would emit a line break there, which only shifts its line alignment, so they are
            // treated as plain separators.
            if (PTBTokenizer.getNewlineToken().equals(token)) {
                continue;
            }
            // The toolkit lower-cases before filtering, so "-LRB-" becomes "-lrb-" and survives.
            String lower = token.toLowerCase(Locale.ENGLISH);
            if (!PUNCTUATIONS.contains(lower)) {
                tokens.add(lower);
            }
        }
        return Collections.unmodifiableList(tokens);
    }
}

package io.captioner.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PtbTokenizerTest {

    @Test
    void shouldLowerCaseAndDropToolkitPunctuation() {
        assertThat(PtbTokenizer.tokenize("A Dog, running; on the BEACH!"))
                .containsExactly("a", "dog", "running", "on", "the", "beach");
    }

    @Test
    void shouldSplitContractionsAndPossessivesLikePtb() {
        assertThat(PtbTokenizer.tokenize("I can't believe it's John's dog, isn't it?"))
                .containsExactly(
                        "i", "ca", "n't", "believe", "it", "'s", "john", "'s", "dog", "is", "n't",
                        "it");
    }

    @Test
    void shouldDropQuotesDashesAndEllipses() {
        assertThat(PtbTokenizer.tokenize("\"Two dogs\" -- a pair -- play..."))
                .containsExactly("two", "dogs", "a", "pair", "play");
    }

    @Test
    void shouldKeepBracketsBecauseToolkitFiltersAfterLowerCasing() {
        // PTB writes "(" as -LRB-, -lowerCase makes it -lrb-, and the toolkit's list only has
        // the upper-case form, so brackets survive in pycocoevalcap; keep that for equal scores.
        assertThat(PtbTokenizer.tokenize("a dog (brown)"))
                .containsExactly("a", "dog", "-lrb-", "brown", "-rrb-");
    }

    @Test
    void shouldKeepAbbreviationsAndDecimalsWhole() {
        assertThat(PtbTokenizer.tokenize("Mr. Smith paid $5.00 in the U.S."))
                .containsExactly("mr.", "smith", "paid", "$", "5.00", "in", "the", "u.s.");
    }

    @Test
    void shouldTreatLineBreaksInsideACaptionAsSpaces() {
        assertThat(PtbTokenizer.tokenize("a dog\nruns\r\nfast"))
                .containsExactly("a", "dog", "runs", "fast");
    }

    @Test
    void shouldGiveNoTokensForEmptyOrPunctuationOnlyCaptions() {
        assertThat(PtbTokenizer.tokenize("")).isEmpty();
        assertThat(PtbTokenizer.tokenize("  . , ; : ! ")).isEmpty();
    }

    @Test
    void shouldRejectNullCaption() {
        assertThatThrownBy(() -> PtbTokenizer.tokenize(null))
                .isInstanceOf(NullPointerException.class);
    }
}

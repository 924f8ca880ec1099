package io.captioner.model.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TokenizerTest {

    // Expected outputs are those of nltk.word_tokenize(text.lower()) (NLTK 3.8).
    static Stream<Arguments> nltkCases() {
        return Stream.of(
                nltk(
                        "A child in a pink dress is climbing up a set of stairs in an entry way .",
                        "a child in a pink dress is climbing up a set of stairs in an entry way ."),
                nltk("A dog runs.", "a dog runs ."),
                nltk("Two dogs don't play.", "two dogs do n't play ."),
                nltk("It's a cat's toy", "it 's a cat 's toy"),
                nltk("They'll go, we're done", "they 'll go , we 're done"),
                nltk("I'm here; you've left", "i 'm here ; you 've left"),
                nltk("She'd say I can't", "she 'd say i ca n't"),
                nltk("He said \"hello\" to me.", "he said `` hello '' to me ."),
                nltk("\"Stop!\" she yelled", "`` stop ! '' she yelled"),
                nltk("You cannot wanna gonna", "you can not wan na gon na"),
                nltk("A man (in red) jumps!", "a man ( in red ) jumps !"),
                nltk("Is it a dog?", "is it a dog ?"),
                nltk("A T-shirt costs $5.50 at 3:30", "a t-shirt costs $ 5.50 at 3:30"),
                nltk("1,000 people", "1,000 people"),
                nltk("Wait... what", "wait ... what"),
                nltk("the dogs' bowls", "the dogs ' bowls"),
                nltk("a 'quoted' word", "a 'quoted ' word"),
                nltk("rock--paper", "rock -- paper"),
                nltk("A dog runs. A cat sits.", "a dog runs . a cat sits ."),
                nltk("Mr. Smith runs.", "mr. smith runs ."),
                nltk("a dog.the cat", "a dog.the cat"),
                nltk("e-mail me @ home & stay *now*", "e-mail me @ home & stay * now *"),
                nltk("Dogs: two", "dogs : two"),
                nltk("  ", ""));
    }

    private static Arguments nltk(String text, String expected) {
        List<String> tokens = expected.isEmpty() ? List.of() : Arrays.asList(expected.split(" "));
        return Arguments.of(text, tokens);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("nltkCases")
    void shouldTokenizeLikeNltkWordTokenize(String text, List<String> expected) {
        assertThat(Tokenizer.tokenize(text)).containsExactlyElementsOf(expected);
    }

    @Test
    void shouldLowerCaseWithoutDependingOnTheDefaultLocale() {
        assertThat(Tokenizer.tokenize("TITLE Image")).containsExactly("title", "image");
    }

    @Test
    void shouldSplitSentencesAfterFinalPunctuationButNotAfterAbbreviationsOrNumbers() {
        assertThat(Tokenizer.sentences("a dog runs. a cat sits? no. 3. mr. x. e.g. y"))
                .containsExactly("a dog runs.", " a cat sits?", " no. 3. mr. x. e.g. y");
    }
}

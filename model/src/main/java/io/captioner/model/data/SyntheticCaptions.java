package io.captioner.model.data;

import io.captioner.model.data.SyntheticScene.Relation;
import io.captioner.model.data.SyntheticScene.SceneObject;
import io.captioner.model.data.SyntheticScene.Size;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes five reference captions for a scene, Flickr style: the first always uses the canonical
 * wording, the other four are drawn from alternative templates with size synonyms. Content words
 * (colours, shapes, relation, background) always come from the scene, so a model that sees the
 * content and picks one template can match a reference exactly.
 */
final class SyntheticCaptions {

    /** Captions per image, as in Flickr8k. */
    static final int CAPTIONS_PER_IMAGE = 5;

    private static final int SINGLE_ALTERNATIVES = 6;
    private static final int PAIR_ALTERNATIVES = 6;

    private SyntheticCaptions() {}

    /** Five distinct captions; the rng only chooses templates and synonyms. */
    static List<String> write(SyntheticScene scene, SplittableRandom rng) {
        boolean single = scene.objects().size() == 1;
        int alternatives = single ? SINGLE_ALTERNATIVES : PAIR_ALTERNATIVES;
        int[] order = new int[alternatives];
        for (int i = 0; i < alternatives; i++) {
            order[i] = i + 1;
        }
        // Partial Fisher-Yates: only the first four alternatives are used.
        for (int i = 0; i < CAPTIONS_PER_IMAGE - 1; i++) {
            int j = i + rng.nextInt(alternatives - i);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        List<String> captions = new ArrayList<>(CAPTIONS_PER_IMAGE);
        captions.add(single ? single(scene, 0, rng) : pair(scene, 0, rng));
        for (int i = 0; i < CAPTIONS_PER_IMAGE - 1; i++) {
            captions.add(single ? single(scene, order[i], rng) : pair(scene, order[i], rng));
        }
        return captions;
    }

    private static String single(SyntheticScene scene, int template, SplittableRandom rng) {
        SceneObject o = scene.objects().get(0);
        String colour = o.colour().word();
        String shape = o.shape().word();
        String bg = scene.background().word();
        String syn = synonym(o.size(), rng);
        switch (template) {
            case 0:
                return a(canonicalSize(o.size()) + " " + colour + " " + shape)
                        + " on a "
                        + bg
                        + " background";
            case 1:
                return a(colour + " " + shape)
                        + " that is "
                        + (o.size() == Size.LARGE ? "big" : syn);
            case 2:
                return "there is " + a(syn + " " + colour + " " + shape) + " in the picture.";
            case 3:
                return "a " + bg + " background with " + a(syn + " " + colour + " " + shape);
            case 4:
                return "a picture of " + a(syn + " " + colour + " " + shape);
            case 5:
                return "one " + syn + " " + colour + " " + shape + " against a " + bg + " backdrop";
            case 6:
                return a(syn + " " + shape)
                        + ", colored "
                        + colour
                        + ", on a "
                        + bg
                        + " background";
            default:
                throw new IllegalStateException("no single-object template " + template);
        }
    }

    private static String pair(SyntheticScene scene, int template, SplittableRandom rng) {
        SceneObject first = scene.objects().get(0);
        SceneObject second = scene.objects().get(1);
        boolean horizontal = scene.relation() == Relation.HORIZONTAL;
        String bg = scene.background().word();
        if (template == 0) {
            String f = a(describe(first, canonicalSize(first.size())));
            String s = a(describe(second, canonicalSize(second.size())));
            return f + (horizontal ? " to the left of " : " above ") + s;
        }
        String f = a(describe(first, synonym(first.size(), rng)));
        String s = a(describe(second, synonym(second.size(), rng)));
        switch (template) {
            case 1:
                return s + (horizontal ? " to the right of " : " below ") + f;
            case 2:
                return horizontal
                        ? f + " on the left and " + s + " on the right"
                        : f + " at the top and " + s + " at the bottom";
            case 3:
                return "there are two shapes, " + f + " and " + s + ".";
            case 4:
                return f
                        + (horizontal ? " is left of " : " is over ")
                        + s
                        + " on a "
                        + bg
                        + " background";
            case 5:
                return s + " and " + f + " on a " + bg + " background";
            case 6:
                return horizontal ? s + " next to " + f : s + " underneath " + f;
            default:
                throw new IllegalStateException("no two-object template " + template);
        }
    }

    private static String describe(SceneObject o, String sizeWord) {
        return sizeWord + " " + o.colour().word() + " " + o.shape().word();
    }

    private static String canonicalSize(Size size) {
        return size == Size.LARGE ? "large" : "small";
    }

    private static String synonym(Size size, SplittableRandom rng) {
        if (size == Size.LARGE) {
            return rng.nextBoolean() ? "large" : "big";
        }
        int pick = rng.nextInt(3);
        return pick == 0 ? "small" : pick == 1 ? "little" : "tiny";
    }

    /** Prefixes the right indefinite article ("an orange circle", "a red star"). */
    private static String a(String phrase) {
        char c = phrase.charAt(0);
        return ("aeiou".indexOf(c) >= 0 ? "an " : "a ") + phrase;
    }
}

package org.nntune.cli.studyfile;

import org.nntune.search.CnnSpace;
import org.nntune.search.MlpSpace;
import org.nntune.search.NetworkSpace;
import org.nntune.search.RnnSpace;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The network families a study file's {@code model.family} names, each with its hyperparameter
 * names and how to start its space for each {@code model.defaults} mode. A new family is one
 * {@code register} call here.
 */
public final class Families {
    private Families() {}

    /**
     * A space under construction: set parameters one by one (each may be refused with an
     * IllegalArgumentException), then build.
     */
    public record Builder(BiConsumer<String, Object> set, Supplier<NetworkSpace> build) {}

    /** What a study file's data are, as a network reads them; a family reads some of these kinds. */
    public enum Inputs {
        /** Rows of numbers: bundled iris, a CSV with a {@code label}. */
        TABLE,
        /** Images, [channels, height, width]: bundled digits, the idx sets. */
        IMAGES,
        /** A text column's token ids ({@code data.text}). */
        TEXT,
        /** A numeric series' windows ({@code data.series}). */
        SERIES
    }

    /**
     * @param parameters the hyperparameter names (canonical names, then aliases)
     * @param defaults   the {@code model.defaults} modes it has, each starting a builder
     * @param images     whether its inputs keep their image shape
     * @param reads      the kinds of data it can read; a study file with other data is refused when it is read
     * @param readsWhat  those kinds in a study file's words, for the message that refuses the others
     */
    public record Family(String name, List<String> parameters, Map<String, Supplier<Builder>> defaults, boolean images,
                         Set<Inputs> reads, String readsWhat) {}

    private static final Map<String, Family> FAMILIES = new LinkedHashMap<>();

    private static void register(String name, List<String> parameters, boolean images, Set<Inputs> reads, String readsWhat,
                                 Map<String, Supplier<Builder>> defaults) {
        FAMILIES.put(name, new Family(name, parameters, defaults, images, Set.copyOf(reads), readsWhat));
    }

    private static <B extends NetworkSpace.BuilderApi<B>> Supplier<Builder> mode(Supplier<B> start, Function<B, B> defaults) {
        return () -> {
            B b = defaults.apply(start.get());
            return new Builder(b::set, b::buildSpace);
        };
    }

    static {
        Map<String, Supplier<Builder>> mlp = new LinkedHashMap<>();
        mlp.put("fixed", mode(MlpSpace::builder, MlpSpace.Builder::fixedDefaults));
        mlp.put("search", mode(MlpSpace::builder, MlpSpace.Builder::searchDefaults));
        mlp.put("sklearn", mode(MlpSpace::builder, MlpSpace.Builder::sklearnDefaults));
        register("mlp", MlpSpace.parameterNames(), false, EnumSet.of(Inputs.TABLE, Inputs.IMAGES, Inputs.SERIES),
                "rows of numbers: a table, images (flattened) or a series' windows", mlp);
        Map<String, Supplier<Builder>> cnn = new LinkedHashMap<>();
        cnn.put("fixed", mode(CnnSpace::builder, CnnSpace.Builder::fixedDefaults));
        cnn.put("search", mode(CnnSpace::builder, CnnSpace.Builder::searchDefaults));
        register("cnn", CnnSpace.parameterNames(), true, EnumSet.of(Inputs.IMAGES),
                "images ([channels, height, width]: the idx sets, bundled digits)", cnn);
        Map<String, Supplier<Builder>> rnn = new LinkedHashMap<>();
        rnn.put("fixed", mode(RnnSpace::builder, RnnSpace.Builder::fixedDefaults));
        rnn.put("search", mode(RnnSpace::builder, RnnSpace.Builder::searchDefaults));
        // a table's columns, or an image's pixels, read as token ids or as steps would train nonsense
        register("rnn", RnnSpace.parameterNames(), false, EnumSet.of(Inputs.TEXT, Inputs.SERIES),
                "sequences: a text column (data.text) or a numeric series (data.series)", rnn);
    }

    public static List<String> names() {
        return List.copyOf(FAMILIES.keySet());
    }

    /**
     * Whether a study of {@code family} (a family's name, or a choice written {@code mlp,cnn})
     * reads images in their image shape: when any family it may draw does.
     */
    public static boolean images(String family) {
        for (String name : family.split(",")) {
            if (get(name).images()) {
                return true;
            }
        }
        return false;
    }

    /** The families that read {@code inputs}, in the order they are registered. */
    public static List<String> reading(Inputs inputs) {
        return FAMILIES.values().stream().filter(f -> f.reads().contains(inputs)).map(Family::name).toList();
    }

    public static Family get(String name) {
        Family f = FAMILIES.get(name);
        if (f == null) {
            throw new IllegalArgumentException("no family '" + name + "'");
        }
        return f;
    }
}

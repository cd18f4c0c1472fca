package org.nntune.nn.data;

import java.util.ArrayList;
import java.util.List;

/**
 * A preprocessing step before fitting: {@link #fit(Dataset)} learns its parameters from a
 * training set (inside cross-validation, from each fold's training part) and returns the
 * {@link FittedTransform} that is applied to every other part and saved with the model.
 */
public interface Preprocessor {

    /** A short name, also accepted by {@link #byName(String)}: none, standard, minmax, pixels. */
    String name();

    /** Learns the parameters from {@code train} only. */
    FittedTransform fit(Dataset train);

    /** No preprocessing: the features as read (the identity transform). */
    static Preprocessor none() {
        return new Named("none", d -> FittedTransform.identity(d.featureCount()));
    }

    /** {@link StandardScaler}: each feature to mean 0 and standard deviation 1 over the training rows. */
    static Preprocessor standard() {
        return new Named("standard", StandardScaler::fit);
    }

    /** {@link MinMaxScaler}: each feature to [0, 1] over the training rows. */
    static Preprocessor minMax() {
        return new Named("minmax", MinMaxScaler::fit);
    }

    /** Divides by 255: [0, 255] pixels to [0, 1]. */
    static Preprocessor pixels() {
        return new Named("pixels", d -> PixelScaler.of(d.featureCount()));
    }

    /** The steps in order, each fitted on the training set as transformed by the steps before it. */
    static Preprocessor chain(Preprocessor... steps) {
        List<Preprocessor> list = List.of(steps);
        if (list.isEmpty()) {
            throw new IllegalArgumentException("chain needs at least one preprocessor");
        }
        StringBuilder name = new StringBuilder();
        for (Preprocessor p : list) {
            name.append(name.length() == 0 ? "" : "+").append(p.name());
        }
        return new Named(name.toString(), train -> {
            List<FittedTransform> fitted = new ArrayList<>();
            Dataset current = train;
            for (Preprocessor p : list) {
                FittedTransform t = p.fit(current);
                fitted.add(t);
                current = t.apply(current);
            }
            return new Pipeline(fitted);
        });
    }

    /** none, standard, minmax or pixels; anything else is an error listing them. */
    static Preprocessor byName(String name) {
        return switch (name) {
            case "none" -> none();
            case "standard" -> standard();
            case "minmax" -> minMax();
            case "pixels" -> pixels();
            default -> throw new IllegalArgumentException("unknown preprocessing '" + name + "'; expected one of none, standard, minmax, pixels");
        };
    }

    /** A preprocessor given by its name and fitting function. */
    record Named(String name, java.util.function.Function<Dataset, FittedTransform> fitter) implements Preprocessor {
        @Override
        public FittedTransform fit(Dataset train) {
            return fitter.apply(train);
        }
    }
}

package org.nntune.nn.data;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The data sets shipped inside nntune (resources of this package; origin and licence in
 * {@code NOTICE.md} beside them: scikit-learn, BSD-3-Clause, originally UCI):
 * <ul>
 *   <li>{@link #iris()}: 150 rows, 4 features (cm), classes setosa, versicolor, virginica (50 each);</li>
 *   <li>{@link #digits()}: 1,797 rows of 8×8 pixels with values 0..16, classes "0".."9", feature
 *       shape {@code [64]} (flat, row-major, features named {@code pixel_r_c});
 *       {@link #digitsImages()} gives the same rows with shape {@code [1, 8, 8]} for convolutions.</li>
 * </ul>
 * Every call parses the resource again (a few milliseconds); data sets are immutable, so keep one.
 */
public final class Datasets {
    private Datasets() {}

    /** The names {@link #byName(String)} knows. */
    public static final List<String> NAMES = List.of("iris", "digits");

    /** Fisher's iris: 150 rows, 4 features in cm (sepal and petal length and width), 3 classes of 50. */
    public static Dataset iris() {
        return load("iris.csv", CsvReader.builder().labelColumn("species").name("iris").build());
    }

    /** Digits with the flat feature shape {@code [64]}. */
    public static Dataset digits() {
        Dataset raw = load("digits.csv.gz", CsvReader.builder().header(false).name("digits").build());
        List<String> names = new ArrayList<>(64);
        for (int r = 0; r < 8; r++) {
            for (int c = 0; c < 8; c++) {
                names.add("pixel_" + r + "_" + c);
            }
        }
        return Dataset.classification("digits", raw.features(), new int[] {64}, raw.labels(), names, raw.classNames());
    }

    /** Digits with the image feature shape {@code [1, 8, 8]} (channels, height, width). */
    public static Dataset digitsImages() {
        return digits().withShape(1, 8, 8);
    }

    /** A bundled set by name: {@code iris} or {@code digits}; any other name is an error listing them. */
    public static Dataset byName(String name) {
        return switch (name) {
            case "iris" -> iris();
            case "digits" -> digits();
            default -> throw new IllegalArgumentException("unknown bundled data set '" + name + "'; expected one of " + NAMES);
        };
    }

    private static Dataset load(String resource, CsvReader reader) {
        InputStream in = Datasets.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("bundled resource org/nntune/nn/data/" + resource + " is missing from the nntune-nn jar");
        }
        return reader.read(resource, in).dataset();
    }
}

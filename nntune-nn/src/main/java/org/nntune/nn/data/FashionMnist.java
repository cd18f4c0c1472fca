package org.nntune.nn.data;

import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Zalando Research, MIT licence): 60,000 training and 10,000 test images of 28×28
 * grey pixels in 10 classes, read from the four IDX files ({@code train-images-idx3-ubyte.gz},
 * {@code train-labels-idx1-ubyte.gz}, {@code t10k-images-idx3-ubyte.gz},
 * {@code t10k-labels-idx1-ubyte.gz}; gzipped or not).
 *
 * <p>Where: the folder passed to {@link #load(Path)}; otherwise {@code $NNTUNE_DATA/fashion-mnist}
 * when the {@code NNTUNE_DATA} variable is set; otherwise {@value #DEFAULT_DIR}, where Debian's
 * {@code dataset-fashion-mnist} package installs it. Images have the feature shape
 * {@code [1, 28, 28]} and raw pixel values 0..255 as float32; scale them with
 * {@link Preprocessor#pixels()}.
 */
public final class FashionMnist {
    private FashionMnist() {}

    /**
     * The folder {@link #load()} reads when {@code NNTUNE_DATA} is not set: where Debian's
     * {@code dataset-fashion-mnist} package installs it.
     */
    public static final String DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";

    /** The class names, id order. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    static final IdxImageSet SET = new IdxImageSet("Fashion-MNIST", "fashion-mnist", Path.of(DEFAULT_DIR), CLASS_NAMES,
            "Install it with `apt-get install dataset-fashion-mnist`");

    /** The folder {@link #load()} reads: {@code $NNTUNE_DATA/fashion-mnist} or {@value #DEFAULT_DIR}. */
    public static Path defaultFolder() {
        return SET.resolve(System.getenv());
    }

    /** Loads from {@link #defaultFolder()}. */
    public static TrainTest load() {
        return load(defaultFolder());
    }

    /** Loads from {@code folder}; missing files are an error saying how to get them. */
    public static TrainTest load(Path folder) {
        return SET.load(folder);
    }
}

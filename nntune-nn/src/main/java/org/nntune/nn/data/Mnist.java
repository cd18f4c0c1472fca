package org.nntune.nn.data;

import java.nio.file.Path;
import java.util.List;

/**
 * MNIST handwritten digits (Yann LeCun, Corinna Cortes, Chris Burges): 60,000 training and 10,000
 * test images of 28×28 pixels, classes "0".."9", from the same four IDX file names as
 * {@link FashionMnist}. Where: the folder passed to {@link #load(Path)}; otherwise
 * {@code $NNTUNE_DATA/mnist}; otherwise {@value #DEFAULT_DIR}. Feature shape {@code [1, 28, 28]},
 * raw values 0..255.
 */
public final class Mnist {
    private Mnist() {}

    /** The folder {@link #load()} reads when {@code NNTUNE_DATA} is not set. */
    public static final String DEFAULT_DIR = "/usr/share/datasets/mnist";

    /** The class names, id order: the digit each class id stands for. */
    public static final List<String> CLASS_NAMES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    static final IdxImageSet SET = new IdxImageSet("MNIST", "mnist", Path.of(DEFAULT_DIR), CLASS_NAMES,
            "Download the four MNIST IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
                    + "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) into that folder");

    /** The folder {@link #load()} reads. */
    public static Path defaultFolder() {
        return SET.resolve(System.getenv());
    }

    /**
     * Loads from {@link #defaultFolder()}.
     *
     * @return the 60,000 training and 10,000 test images
     * @throws IllegalArgumentException if a file is missing (saying where it was looked for) or is not
     *     an IDX file of the expected shape
     * @throws java.io.UncheckedIOException if a file cannot be read
     */
    public static TrainTest load() {
        return load(defaultFolder());
    }

    /**
     * Loads from {@code folder}, each file gzipped ({@code .gz}) or not.
     *
     * @param folder the folder holding the four IDX files
     * @return the 60,000 training and 10,000 test images
     * @throws IllegalArgumentException if a file is missing (saying how to get it) or is not an IDX
     *     file of the expected shape
     * @throws java.io.UncheckedIOException if a file cannot be read
     */
    public static TrainTest load(Path folder) {
        return SET.load(folder);
    }
}

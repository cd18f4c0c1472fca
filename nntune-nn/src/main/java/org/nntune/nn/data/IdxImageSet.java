package org.nntune.nn.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * An MNIST-style image set on disk: four IDX files (train/t10k × images/labels, each gzipped or
 * plain) in one folder. Shared by {@link FashionMnist} and {@link Mnist}.
 */
record IdxImageSet(String title, String folderName, Path defaultDir, List<String> classNames, String howToGet) {

    /** The folder to read: the argument if given, else {@code $NNTUNE_DATA/<folderName>}, else the default. */
    Path resolve(Map<String, String> env) {
        String root = env.get("NNTUNE_DATA");
        if (root != null && !root.isBlank()) {
            return Path.of(root).resolve(folderName);
        }
        return defaultDir;
    }

    TrainTest load(Path dir) {
        Path trainImages = find(dir, "train-images-idx3-ubyte");
        Path trainLabels = find(dir, "train-labels-idx1-ubyte");
        Path testImages = find(dir, "t10k-images-idx3-ubyte");
        Path testLabels = find(dir, "t10k-labels-idx1-ubyte");
        // the small test part is read on a second thread while this one reads the training part
        CompletableFuture<Dataset> test = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                test.complete(part(folderName + "-test", testImages, testLabels));
            } catch (Throwable t) {
                test.completeExceptionally(t);
            }
        }, "nntune-idx-reader");
        reader.setDaemon(true);
        reader.start();
        Dataset train = part(folderName + "-train", trainImages, trainLabels);
        try {
            return new TrainTest(train, test.join());
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private Path find(Path dir, String base) {
        Path gz = dir.resolve(base + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path plain = dir.resolve(base);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        throw new IllegalArgumentException(title + " not found: " + gz + " (or " + plain + ") is missing. " + howToGet
                + ", or set NNTUNE_DATA to a folder that holds " + folderName + "/, or pass the folder to load(Path)");
    }

    private Dataset part(String name, Path imagesFile, Path labelsFile) {
        IdxReader.Floats images = IdxReader.readFloats(imagesFile);
        IdxReader.Ints labels = IdxReader.readInts(labelsFile);
        int[] d = images.dims();
        if (d.length != 3) {
            throw new IllegalArgumentException("IDX file " + imagesFile + " has dimensions " + Arrays.toString(d)
                    + "; expected 3 (images × rows × columns)");
        }
        if (labels.dims().length != 1) {
            throw new IllegalArgumentException("IDX file " + labelsFile + " has dimensions " + Arrays.toString(labels.dims())
                    + "; expected 1 (one label per image)");
        }
        if (labels.dims()[0] != d[0]) {
            throw new IllegalArgumentException("IDX files disagree: " + imagesFile + " holds " + d[0] + " images but "
                    + labelsFile + " holds " + labels.dims()[0] + " labels; expected one label per image");
        }
        int[] y = labels.values();
        for (int i = 0; i < y.length; i++) {
            if (y[i] < 0 || y[i] >= classNames.size()) {
                throw new IllegalArgumentException("IDX file " + labelsFile + ": label " + y[i] + " of image " + i
                        + " (byte offset " + (8 + i) + ") is outside [0, " + classNames.size() + ")");
            }
        }
        return Dataset.classification(name, images.values(), new int[] {1, d[1], d[2]}, y, List.of(), classNames);
    }
}

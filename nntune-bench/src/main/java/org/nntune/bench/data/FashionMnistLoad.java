package org.nntune.bench.data;

import org.nntune.bench.HeapProbe;
import org.nntune.nn.data.FashionMnist;
import org.nntune.nn.data.TrainTest;

import java.nio.file.Path;
import java.util.Locale;

/**
 * nntune's side of the Fashion-MNIST loading comparison: loads all 70,000 images (train and
 * test, gzipped IDX) into float32 data sets and prints one JSON line with the load time, the used
 * heap after a full GC with the data still referenced, and the heap beyond the pixels themselves
 * (70,000 × 784 × 4 bytes). The reference is {@code scripts/fmnist_load.py} (gzip + numpy).
 *
 * <p>Argument: the folder (default: {@code $NNTUNE_DATA/fashion-mnist} or /usr/share/datasets/fashion-mnist).
 */
public final class FashionMnistLoad {
    private FashionMnistLoad() {}

    public static void main(String[] args) {
        Path dir = args.length > 0 ? Path.of(args[0]) : FashionMnist.defaultFolder();
        long t0 = System.nanoTime();
        TrainTest data = FashionMnist.load(dir);
        double loadS = (System.nanoTime() - t0) / 1e9;
        long images = (long) data.train().size() + data.test().size();
        double pixelsMib = images * data.train().featureCount() * 4.0 / (1024 * 1024);
        double heapMib = HeapProbe.usedAfterFullGcMiB();
        // keep the data reachable until after the heap was measured
        if (data.train().label(0) < 0 || data.test().size() == 0) {
            throw new IllegalStateException("unexpected data");
        }
        System.out.printf(Locale.ROOT, "{\"images\": %d, \"load_s\": %.4f, \"heap_used_mib\": %.2f, \"pixels_mib\": %.2f, \"extra_heap_mib\": %.2f}%n",
                images, loadS, heapMib, pixelsMib, heapMib - pixelsMib);
    }
}

package org.nntune.bench;

import org.nntune.nn.internal.kernels.KernelProvider;
import org.nntune.nn.internal.kernels.Kernels;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * nntune's side of the GEMM comparison with {@code scripts/torch_gemm.py}: C = A · B for square
 * float32 matrices of each size, timed exactly as the Python side times {@code a @ b} (warm-up
 * for at least 0.5 s and 3 products, then as many products as fit in at least 1 s, at least 5),
 * for each thread count given; prints one JSON line with the best GFLOP/s per size
 * ({@code gflops_256}, …) and, per thread count, {@code t1.gflops_256}, ….
 *
 * <pre>
 * GemmGflops [--sizes 256,512,1024,2048] [--threads 1,2]
 * </pre>
 */
public final class GemmGflops {
    private GemmGflops() {}

    public static void main(String[] args) {
        int[] sizes = {256, 512, 1024, 2048};
        int[] threads = {1, 2};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sizes" -> sizes = ints(args[++i]);
                case "--threads" -> threads = ints(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: GemmGflops [--sizes 256,512] [--threads 1,2]");
            }
        }
        System.err.println("kernels: " + KernelProvider.description());
        Map<String, Double> best = new LinkedHashMap<>();
        Map<String, Map<String, Double>> perThreads = new LinkedHashMap<>();
        for (int t : threads) {
            Kernels k = KernelProvider.get(t);
            Map<String, Double> row = new LinkedHashMap<>();
            for (int n : sizes) {
                double g = gflops(k, n);
                row.put("gflops_" + n, g);
                best.merge("gflops_" + n, g, Math::max);
                System.err.printf(Locale.ROOT, "%s threads=%d n=%d: %.1f GFLOP/s%n", k.name(), t, n, g);
            }
            perThreads.put("t" + t, row);
        }
        StringBuilder sb = new StringBuilder("{");
        List<String> parts = new ArrayList<>();
        best.forEach((key, v) -> parts.add(String.format(Locale.ROOT, "\"%s\": %.2f", key, v)));
        perThreads.forEach((key, row) -> {
            List<String> inner = new ArrayList<>();
            row.forEach((k2, v) -> inner.add(String.format(Locale.ROOT, "\"%s\": %.2f", k2, v)));
            parts.add("\"" + key + "\": {" + String.join(", ", inner) + "}");
        });
        sb.append(String.join(", ", parts)).append('}');
        System.out.println(sb);
    }

    /** GFLOP/s of C = A · B at size n, timed like the Python side. */
    static double gflops(Kernels k, int n) {
        SplittableRandom rnd = new SplittableRandom(n);
        float[] a = new float[n * n];
        float[] b = new float[n * n];
        float[] c = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextGaussian();
            b[i] = (float) rnd.nextGaussian();
        }
        long start = System.nanoTime();
        int warm = 0;
        while (warm < 3 || System.nanoTime() - start < 500_000_000L) {
            k.gemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
            warm++;
        }
        int reps = 0;
        start = System.nanoTime();
        long elapsed;
        do {
            k.gemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
            reps++;
            elapsed = System.nanoTime() - start;
        } while (reps < 5 || elapsed < 1_000_000_000L);
        double seconds = elapsed / 1e9 / reps;
        return 2.0 * n * n * n / seconds / 1e9;
    }

    private static int[] ints(String csv) {
        String[] p = csv.split(",");
        int[] v = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            v[i] = Integer.parseInt(p[i].trim());
        }
        return v;
    }
}

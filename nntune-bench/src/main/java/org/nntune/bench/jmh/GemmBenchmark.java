package org.nntune.bench.jmh;

import org.nntune.nn.internal.kernels.KernelProvider;
import org.nntune.nn.internal.kernels.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * GEMM on each kernel path: square products at several sizes, and the three products of a
 * 784-128-10 MLP layer at batch 32 (forward X·W, weight gradient Xᵀ·dY, input gradient dY·Wᵀ).
 * GFLOP/s = 2·m·n·k / (time per op). Run with nntune's JVM flags:
 *
 * <pre>
 * java $(cat nntune-bench/target/classes/nntune-jvm.flags) -jar nntune-bench/target/benchmarks.jar GemmBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBenchmark {

    /** The kernel path: vector, java (plain Java, blocked) or reference. */
    @Param({"vector", "java"})
    public String path;

    @Param({"1", "2"})
    public int threads;

    /** m×n×k, with a suffix T… for transposes: "256x256x256", "32x128x784", "784x128x32Ta", "32x784x128Tb". */
    @Param({"256x256x256", "512x512x512", "1024x1024x1024", "32x128x784", "784x128x32Ta", "32x784x128Tb"})
    public String shape;

    private Kernels kernels;
    private boolean ta;
    private boolean tb;
    private int m;
    private int n;
    private int k;
    private float[] a;
    private float[] b;
    private float[] c;

    @Setup
    public void setUp() {
        kernels = KernelProvider.of(path, threads);
        String[] parts = shape.split("T", 2);
        String[] dims = parts[0].split("x");
        m = Integer.parseInt(dims[0]);
        n = Integer.parseInt(dims[1]);
        k = Integer.parseInt(dims[2]);
        ta = parts.length > 1 && parts[1].contains("a");
        tb = parts.length > 1 && parts[1].contains("b");
        SplittableRandom rnd = new SplittableRandom(1);
        a = new float[m * k];
        b = new float[k * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextGaussian();
    }

    @Benchmark
    public float[] gemm() {
        kernels.gemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, c, 0, n);
        return c;
    }
}

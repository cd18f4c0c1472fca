package org.nntune.nn.tensor;

/**
 * A small, fast, seedable random generator (SplitMix64) whose sequence is fixed by this class
 * alone, not by the JDK: weight initialisation, shuffling and dropout masks draw from it, so the
 * same seed gives the same numbers on every JDK. Not thread-safe: one instance per thread of work.
 */
public final class Rng {
    private long state;
    private double spareGaussian = Double.NaN;

    /**
     * @param seed any value; the same seed gives the same sequence on every JDK (for independent
     *     streams from one seed use {@link #stream})
     */
    public Rng(long seed) {
        this.state = seed;
    }

    /** A generator for an independent stream derived from this seed and a stream number. */
    public static Rng stream(long seed, long stream) {
        Rng r = new Rng(seed ^ (0x9E3779B97F4A7C15L * (stream + 1)));
        r.nextLong();
        return r;
    }

    /** The next 64 random bits. */
    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 24 random bits. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound), bound positive (unbiased, by rejection). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        long limit = (0x1L << 31) / bound * bound;
        while (true) {
            long r = nextLong() >>> 33;
            if (r < limit) {
                return (int) (r % bound);
            }
        }
    }

    /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
    public double nextGaussian() {
        if (!Double.isNaN(spareGaussian)) {
            double g = spareGaussian;
            spareGaussian = Double.NaN;
            return g;
        }
        double u1 = 1.0 - nextDouble(); // (0, 1]
        double u2 = nextDouble();
        double r = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
        spareGaussian = r * StrictMath.sin(2 * Math.PI * u2);
        return r * StrictMath.cos(2 * Math.PI * u2);
    }

    /** Shuffles {@code a[0 .. n)} in place (Fisher–Yates). */
    public void shuffle(int[] a, int n) {
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}

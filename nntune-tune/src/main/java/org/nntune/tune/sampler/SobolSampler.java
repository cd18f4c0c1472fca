package org.nntune.tune.sampler;

import org.nntune.tune.space.Distribution;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyView;
import org.nntune.tune.trial.TrialState;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A scrambled Sobol sequence (quasi-random, low discrepancy), as Optuna's {@code QMCSampler} with
 * {@code qmc_type="sobol"}: the search space is taken from the lowest-numbered finished trial
 * (until one finishes, and for parameters outside it, values are sampled at random), its
 * parameters (sorted by name, at most {@value #MAX_DIMS}) are the dimensions, and trial
 * {@code n} gets point {@code n} of the sequence — so parallel workers and processes never share a
 * point and the storage is all the state there is.
 *
 * <p>Direction numbers: Joe and Kuo's {@code new-joe-kuo-6.21201} table for the first
 * {@value #MAX_DIMS} dimensions. Scrambling (on by default, seeded): Matoušek's random linear
 * scramble — each dimension's direction numbers multiplied by a random lower-triangular binary
 * matrix with unit diagonal — plus a random digital shift, which keeps the net properties.
 */
public final class SobolSampler implements Sampler {
    /** The number of dimensions the direction-number table covers. */
    public static final int MAX_DIMS = 40;
    private static final int BITS = 32;

    /** Primitive polynomial (with its leading and trailing terms) and initial direction numbers m_1..m_s of dimensions 2..40. */
    private static final int[][] TABLE = {
        {3, 1}, {7, 1, 3}, {11, 1, 3, 1}, {13, 1, 1, 1}, {19, 1, 1, 3, 3}, {25, 1, 3, 5, 13},
        {37, 1, 1, 5, 5, 17}, {41, 1, 1, 5, 5, 5}, {47, 1, 1, 7, 11, 19}, {55, 1, 1, 5, 1, 1},
        {59, 1, 1, 1, 3, 11}, {61, 1, 3, 5, 5, 31}, {67, 1, 3, 3, 9, 7, 49}, {91, 1, 1, 1, 15, 21, 21},
        {97, 1, 3, 1, 13, 27, 49}, {103, 1, 1, 1, 15, 7, 5}, {109, 1, 3, 1, 15, 13, 25},
        {115, 1, 1, 5, 5, 19, 61}, {131, 1, 3, 7, 11, 23, 15, 103}, {137, 1, 3, 7, 13, 13, 15, 69},
        {143, 1, 1, 3, 13, 7, 35, 63}, {145, 1, 3, 5, 9, 1, 25, 53}, {157, 1, 3, 1, 13, 9, 35, 107},
        {167, 1, 3, 1, 5, 27, 61, 31}, {171, 1, 1, 5, 11, 19, 41, 61}, {185, 1, 3, 5, 3, 3, 13, 69},
        {191, 1, 1, 7, 13, 1, 19, 1}, {193, 1, 3, 7, 5, 13, 19, 59}, {203, 1, 1, 3, 9, 25, 29, 41},
        {211, 1, 3, 5, 13, 23, 1, 55}, {213, 1, 3, 7, 3, 13, 59, 17}, {229, 1, 3, 1, 3, 5, 53, 69},
        {239, 1, 1, 5, 5, 23, 33, 13}, {241, 1, 1, 7, 7, 1, 61, 123}, {247, 1, 1, 7, 9, 13, 61, 49},
        {253, 1, 3, 3, 5, 3, 55, 33}, {285, 1, 3, 1, 15, 31, 13, 49, 245}, {299, 1, 3, 5, 15, 31, 59, 63, 97},
        {301, 1, 3, 1, 11, 11, 11, 77, 249},
    };

    /** Unscrambled direction numbers v[d][k] (bit 31 is the first binary digit). */
    static final int[][] DIRECTIONS = directions();

    private final boolean scramble;
    private volatile int[][] scrambled;
    private volatile int[] shifts;
    /** the seed of the random fallback's draws ({@link TrialSeeds}) */
    private volatile long seed;
    private volatile Map<String, Distribution> space;

    /** A scrambled sequence with a random seed (the study seed replaces it). */
    public SobolSampler() {
        this(new SplittableRandom().nextLong(), true);
    }

    /**
     * @param seed the seed of the scrambling and of the random fallback
     * @param scramble whether to scramble (an unscrambled sequence starts at the origin)
     */
    public SobolSampler(long seed, boolean scramble) {
        this.scramble = scramble;
        reseed(seed);
    }

    private static int[][] directions() {
        int[][] v = new int[MAX_DIMS][BITS];
        for (int k = 0; k < BITS; k++) {
            v[0][k] = 1 << (BITS - 1 - k);
        }
        for (int d = 1; d < MAX_DIMS; d++) {
            int[] row = TABLE[d - 1];
            int poly = row[0];
            int s = 31 - Integer.numberOfLeadingZeros(poly);
            int[] m = new int[BITS];
            for (int k = 0; k < s; k++) {
                m[k] = row[k + 1];
            }
            for (int k = s; k < BITS; k++) {
                int value = m[k - s] ^ (m[k - s] << s);
                for (int j = 1; j < s; j++) {
                    if (((poly >>> (s - j)) & 1) != 0) {
                        value ^= m[k - j] << j;
                    }
                }
                m[k] = value;
            }
            for (int k = 0; k < BITS; k++) {
                v[d][k] = m[k] << (BITS - 1 - k);
            }
        }
        return v;
    }

    @Override
    public synchronized void reseed(long seed) {
        this.seed = seed;
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int[][] out = new int[MAX_DIMS][BITS];
        int[] shift = new int[MAX_DIMS];
        for (int d = 0; d < MAX_DIMS; d++) {
            if (!scramble) {
                out[d] = DIRECTIONS[d].clone();
                continue;
            }
            // lower-triangular matrix L with unit diagonal: row i (digit i) mixes digits 0..i
            int[] rows = new int[BITS];
            for (int i = 0; i < BITS; i++) {
                int below = i == 0 ? 0 : r.nextInt() >>> (BITS - i) << (BITS - i); // digits 0..i-1
                rows[i] = below | (1 << (BITS - 1 - i));
            }
            for (int k = 0; k < BITS; k++) {
                int v = DIRECTIONS[d][k];
                int res = 0;
                for (int i = 0; i < BITS; i++) {
                    if ((Integer.bitCount(rows[i] & v) & 1) != 0) {
                        res |= 1 << (BITS - 1 - i);
                    }
                }
                out[d][k] = res;
            }
            shift[d] = r.nextInt();
        }
        scrambled = out;
        shifts = scramble ? shift : new int[MAX_DIMS];
    }

    /** @return point {@code index} of the (scrambled) sequence in {@code dims} dimensions, each in [0, 1) */
    public double[] point(long index, int dims) {
        if (dims > MAX_DIMS) {
            throw new IllegalArgumentException("Sobol points have at most " + MAX_DIMS + " dimensions, asked " + dims);
        }
        if (index < 0 || index >= (1L << BITS)) {
            throw new IllegalArgumentException("Sobol index " + index + " is outside 0..2^32-1");
        }
        long gray = index ^ (index >>> 1);
        int[][] v = scrambled;
        double[] out = new double[dims];
        for (int d = 0; d < dims; d++) {
            int x = shifts[d];
            for (int k = 0; k < BITS; k++) {
                if (((gray >>> k) & 1) != 0) {
                    x ^= v[d][k];
                }
            }
            out[d] = (x & 0xFFFFFFFFL) / 4294967296.0;
        }
        return out;
    }

    @Override
    public Map<String, Distribution> inferRelativeSearchSpace(StudyView study, FrozenTrial trial) {
        Map<String, Distribution> s = space;
        if (s == null) {
            for (FrozenTrial t : study.trials(EnumSet.of(TrialState.COMPLETE, TrialState.PRUNED))) {
                TreeMap<String, Distribution> sorted = new TreeMap<>();
                t.distributions().forEach((name, d) -> {
                    if (!d.isSingle() && sorted.size() < MAX_DIMS) {
                        sorted.put(name, d);
                    }
                });
                s = new LinkedHashMap<>(sorted);
                space = s;
                break;
            }
        }
        return s == null ? Map.of() : s;
    }

    @Override
    public Map<String, Double> sampleRelative(StudyView study, FrozenTrial trial, Map<String, Distribution> searchSpace) {
        double[] u = point(trial.number(), searchSpace.size());
        Map<String, Double> out = new LinkedHashMap<>();
        int d = 0;
        for (Map.Entry<String, Distribution> e : searchSpace.entrySet()) {
            out.put(e.getKey(), RandomSampler.fromUnit(e.getValue(), u[d++]));
        }
        return out;
    }

    @Override
    public double sampleIndependent(StudyView study, FrozenTrial trial, String name, Distribution distribution) {
        return RandomSampler.fromUnit(distribution, TrialSeeds.unit(seed, trial.number(), name));
    }
}

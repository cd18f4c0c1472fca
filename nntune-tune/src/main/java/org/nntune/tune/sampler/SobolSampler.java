package org.nntune.tune.sampler;

import org.nntune.tune.space.Distribution;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyView;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A scrambled Sobol sequence (quasi-random, low discrepancy): trial {@code n} gets point {@code n} of
 * the sequence, and the {@code k}-th parameter it samples (counting from 0, in the order the objective
 * asks for them; fixed values not counted) is coordinate {@code k} of that point (past
 * {@value #MAX_DIMS} parameters, values are drawn at random from the seed, the trial's number and the
 * name). So a trial's values depend only on the seed and its number: parallel workers and
 * processes never share a point, a trial is the same whether it was sampled before or after other
 * trials finished, and the storage is all the state there is. An objective that asks the same
 * parameters in the same order every trial gets the plain Sobol design; a conditional parameter (say
 * {@code units_2}, asked only with two layers) moves the coordinates of the parameters asked after it
 * in the trials that ask it.
 *
 * <p>Why not Optuna's {@code QMCSampler} way (the joint space of the first finished trial): with
 * parallel workers the trials sampled before any trial finished were drawn at random instead, and
 * which trial finished first (so which conditional parameters are in the space) depended on timing;
 * a seeded study then gave other start-up trials with {@code --jobs 2} than with one job.
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

    /** @return coordinate {@code d} of point {@code index} of the (scrambled) sequence, in [0, 1) */
    public double coordinate(long index, int d) {
        if (d < 0 || d >= MAX_DIMS) {
            throw new IllegalArgumentException("Sobol points have dimensions 0 to " + (MAX_DIMS - 1) + ", asked " + d);
        }
        if (index < 0 || index >= (1L << BITS)) {
            throw new IllegalArgumentException("Sobol index " + index + " is outside 0..2^32-1");
        }
        long gray = index ^ (index >>> 1);
        int[] v = scrambled[d];
        int x = shifts[d];
        for (int k = 0; k < BITS; k++) {
            if (((gray >>> k) & 1) != 0) {
                x ^= v[k];
            }
        }
        return (x & 0xFFFFFFFFL) / 4294967296.0;
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

    /**
     * Used by a caller that chose the dimensions itself: the {@code searchSpace}'s parameters are
     * coordinates 0, 1, … of point {@code trial.number()}. (This sampler's own joint space is empty:
     * see {@link #sampleIndependent}.)
     */
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

    /**
     * Coordinate {@code k} of point {@code trial.number()}, {@code k} being the number of parameters
     * the trial sampled before this one (its distributions so far that are not a single value).
     */
    @Override
    public double sampleIndependent(StudyView study, FrozenTrial trial, String name, Distribution distribution) {
        int k = 0;
        for (Distribution d : trial.distributions().values()) {
            if (!d.isSingle()) {
                k++;
            }
        }
        if (k >= MAX_DIMS || trial.number() < 0) {
            return RandomSampler.fromUnit(distribution, TrialSeeds.unit(seed, trial.number(), name));
        }
        return RandomSampler.fromUnit(distribution, coordinate(trial.number(), k));
    }
}

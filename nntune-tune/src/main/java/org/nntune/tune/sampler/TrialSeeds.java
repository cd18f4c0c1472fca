package org.nntune.tune.sampler;

import java.util.Random;
import java.util.SplittableRandom;

/**
 * The random draws of a sampler for one trial, from the study seed and the trial's number (and the
 * parameter's name, for a draw of one parameter), not from a stream the process advanced before.
 *
 * <p>Why: a stored study is run by several processes (workers, resumes) that all reseed their
 * sampler with the study's seed. With one stream per process, each process drew the same values
 * for its first trial, its second, and so on — a resumed random study repeated its first trials
 * exactly, and two workers started together trained the same configurations. Trial numbers are
 * unique within a study (the storage hands them out), so draws seeded by them differ between
 * trials, whichever process runs them, and still repeat exactly for the same seed and trial.
 */
final class TrialSeeds {
    private TrialSeeds() {}

    /** The seed of trial {@code number}'s draws. */
    static long of(long seed, int number) {
        return mix(mix(seed) ^ (0x9E3779B97F4A7C15L * (number + 1L)));
    }

    /** The seed of trial {@code number}'s draw of parameter {@code name} (String.hashCode is the same in every JVM). */
    static long of(long seed, int number, String name) {
        return mix(of(seed, number) ^ (0xC2B2AE3D27D4EB4FL * (name.hashCode() + 0x100000001L)));
    }

    /** A generator for trial {@code number}. */
    static SplittableRandom splittable(long seed, int number) {
        return new SplittableRandom(of(seed, number));
    }

    /** A {@link Random} for trial {@code number} (the samplers that draw Gaussians with it). */
    static Random random(long seed, int number) {
        return new Random(of(seed, number));
    }

    /** One uniform number in [0, 1) for trial {@code number}'s parameter {@code name}. */
    static double unit(long seed, int number, String name) {
        return new SplittableRandom(of(seed, number, name)).nextDouble();
    }

    /** SplitMix64's finaliser: every bit of the result depends on every bit of {@code z}. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

package org.nntune.nn.tensor;

import jdk.incubator.vector.FloatVector;

/**
 * The Vector API kernels ({@code jdk.incubator.vector}): the plain kernels with the hot methods
 * overridden — GEMM through {@link PackedGemm} on {@link VectorMicroKernel}. Loaded only
 * reflectively by {@link KernelProvider}, so the plain path never needs the incubator module.
 */
final class VectorKernels extends PackedKernels {
    /** The narrowest preferred vector (in bits) for which this path beats plain Java. */
    static final int MIN_BITS = 256;

    /** Blocks measured on Zen 4 (1 MiB L2 per core): kc = 512 steps, mc = 128 rows, nc = 2048 columns. */
    private static final PackedGemm GEMM = new PackedGemm(new VectorMicroKernel(), 512, 16 * VectorMicroKernel.MR, 2048);

    /**
     * @throws UnsupportedOperationException when the preferred vector is narrower than
     *         {@link #MIN_BITS}, with the reason
     */
    VectorKernels(int threads) {
        super(GEMM, threads);
        int bits = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        if (bits < MIN_BITS) {
            throw new UnsupportedOperationException("the preferred vector width is " + bits
                    + " bits; the Vector API path needs at least " + MIN_BITS);
        }
    }

    @Override
    VectorKernels copy(int threads) {
        return new VectorKernels(threads);
    }

    @Override
    public String name() {
        return "vector-" + FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }

    /** The name, lanes and GEMM register tile, for the start-up log line. */
    @Override
    public String toString() {
        return name() + " (Vector API, " + FloatVector.SPECIES_PREFERRED.length() + " float lanes, GEMM tile "
                + tiling() + ")";
    }
}

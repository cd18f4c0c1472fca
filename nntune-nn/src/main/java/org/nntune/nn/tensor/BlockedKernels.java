package org.nntune.nn.tensor;

/**
 * The fast plain-Java kernels: the reference kernels with the GEMM replaced by the packed,
 * cache-blocked, multi-threaded {@link PackedGemm} on the plain-Java {@link PlainMicroKernel}.
 * This is what runs when the Vector API is absent, disabled or does not help
 * ({@code -Dnntune.kernels=plain} forces it). {@link PlainKernels} stays the simple reference.
 */
final class BlockedKernels extends PackedKernels {
    private static final PackedGemm GEMM = new PackedGemm(new PlainMicroKernel(), 256, 64, 2048);

    BlockedKernels(int threads) {
        super(GEMM, threads);
    }

    @Override
    BlockedKernels copy(int threads) {
        return new BlockedKernels(threads);
    }

    @Override
    public String name() {
        return "plain-blocked";
    }
}

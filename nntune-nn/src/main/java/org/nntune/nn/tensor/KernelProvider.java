package org.nntune.nn.tensor;

/**
 * Chooses the kernels once, at first use, for the whole JVM (a holder class, as Lucene's
 * VectorizationProvider). Today the plain path is the only one; the Vector API path will be
 * chosen here when it is present and helps, with a log line saying which runs and why.
 */
public final class KernelProvider {
    private KernelProvider() {}

    private static final class Holder {
        static final Kernels KERNELS = new PlainKernels();
    }

    /** The active kernels. */
    public static Kernels get() {
        return Holder.KERNELS;
    }

    /** The plain kernels, whatever is active: the reference the fast path is tested against. */
    public static Kernels plain() {
        return new PlainKernels();
    }
}

package org.nntune.nn.internal.kernels;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Locale;

/**
 * Chooses the kernels once, at first use, for the whole JVM (a holder class, as Lucene's
 * VectorizationProvider), and logs one line saying which run and why.
 *
 * <p>The rule, with the system property {@code nntune.kernels} unset or {@code auto}:
 * <ol>
 *   <li>the Vector API path ({@code vector-<bits>}) when the module {@code jdk.incubator.vector}
 *       is in the JVM (pass {@code --add-modules jdk.incubator.vector}), the JVM is HotSpot
 *       with its optimising compiler (not {@code -Xint}), and the preferred float vector is at
 *       least 256 bits wide (AVX2, AVX-512, SVE-256…; {@code -XX:MaxVectorSize} or
 *       {@code -XX:UseAVX} change it). At 128 bits a 2 × 4-lane tile is too small to beat the
 *       packed plain-Java path by much — a judgement, not a measurement: the development machine
 *       has AVX-512;</li>
 *   <li>otherwise the plain-Java kernels ({@code java}: packed, cache-blocked, multi-threaded),
 *       with the reason logged as a warning.</li>
 * </ol>
 * {@code -Dnntune.kernels=java} forces the plain-Java kernels, {@code =reference} the simple
 * one-thread reference kernels (for checking only), {@code =vector} demands the Vector API path
 * and fails at first use if it cannot run. The Vector API class is loaded reflectively, so without
 * the module nothing of it is ever linked.
 *
 * <p>Threads: {@link #get()} has {@link KernelThreads#defaultThreads()} threads;
 * {@link #get(int)} the same kernels with another thread budget.
 *
 * <p>Internal, as the kernels are: layers, losses and optimisers take their kernels from here;
 * users choose a path with the system property only.
 */
public final class KernelProvider {
    private KernelProvider() {}

    /** The system property that forces a path: {@code auto} (default), {@code vector}, {@code java}, {@code reference}. */
    public static final String KERNELS_PROPERTY = "nntune.kernels";

    /** The path names {@link #KERNELS_PROPERTY} and {@link #of} accept. */
    static final String PATHS = "auto, vector, java, reference";

    private static final System.Logger LOG = System.getLogger(KernelProvider.class.getName());
    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    /** What was chosen and why, as logged. */
    record Choice(Kernels kernels, String reason, boolean fallback) {}

    private static final class Holder {
        static final Choice CHOICE = choose(System.getProperty(KERNELS_PROPERTY, "auto"), KernelThreads.defaultThreads());

        static {
            LOG.log(CHOICE.fallback() ? System.Logger.Level.WARNING : System.Logger.Level.INFO,
                    "nntune kernels: " + CHOICE.reason());
        }
    }

    /** The active kernels, with the default thread count. */
    public static Kernels get() {
        return Holder.CHOICE.kernels();
    }

    /** The active kernels with a budget of {@code threads} threads per call. */
    public static Kernels get(int threads) {
        return get().withThreads(threads);
    }

    /** Which kernels run and why: the line logged at start-up, for benchmark reports. */
    public static String description() {
        return Holder.CHOICE.reason();
    }

    /**
     * The kernels of a given path, whatever is active, for benchmarks and comparisons:
     * {@code "vector"}, {@code "java"} (plain Java, blocked) or {@code "reference"}; {@code "auto"}
     * applies the start-up rule again.
     *
     * @throws IllegalArgumentException for another name or a bad thread count
     * @throws IllegalStateException when {@code "vector"} cannot run here, with the reason
     */
    public static Kernels of(String path, int threads) {
        KernelThreads.checkThreads(threads);
        return choose(path, threads).kernels();
    }

    /** The reference kernels, whatever is active: what the fast paths are tested against. */
    public static Kernels reference() {
        return new ReferenceKernels();
    }

    static Choice choose(String mode, int threads) {
        String m = mode.trim().toLowerCase(Locale.ROOT);
        switch (m) {
            case "reference":
                return new Choice(new ReferenceKernels(), KERNELS_PROPERTY + "=reference: the simple reference kernels "
                        + "(one thread, unblocked; for checking only)", false);
            case "java":
                Kernels java = new JavaKernels(threads);
                return new Choice(java, java + ", " + threads + " thread(s): forced by "
                        + KERNELS_PROPERTY + "=java", false);
            case "plain":
                throw new IllegalArgumentException("kernel path " + KERNELS_PROPERTY + "=" + mode
                        + " was renamed: use java for the plain-Java kernels (reference for the simple"
                        + " one-thread ones); allowed: " + PATHS);
            case "vector":
            case "auto":
            case "":
                break;
            default:
                throw new IllegalArgumentException("kernel path " + KERNELS_PROPERTY + "=" + mode
                        + " is not known; allowed: " + PATHS);
        }
        String whyNot = vectorUnavailable();
        if (whyNot == null) {
            try {
                Kernels vector = loadVector(threads);
                return new Choice(vector, vector + ", "
                        + threads + " thread(s)", false);
            } catch (UnsupportedOperationException e) {
                whyNot = e.getMessage();
            }
        }
        if (m.equals("vector")) {
            throw new IllegalStateException(KERNELS_PROPERTY + "=vector, but the Vector API path cannot run: " + whyNot);
        }
        Kernels java = new JavaKernels(threads);
        return new Choice(java, java + ", " + threads
                + " thread(s): the Vector API path is off because " + whyNot, true);
    }

    /** Why the Vector API cannot be used in this JVM, or null when it can. */
    private static String vectorUnavailable() {
        ModuleLayer layer = KernelProvider.class.getModule().getLayer();
        if ((layer == null ? ModuleLayer.boot() : layer).findModule(VECTOR_MODULE).isEmpty()) {
            return "the module " + VECTOR_MODULE + " is not in the JVM; pass --add-modules " + VECTOR_MODULE;
        }
        String vm = System.getProperty("java.vm.name", "");
        if (!vm.contains("HotSpot") && !vm.contains("OpenJDK")) {
            return "the JVM (" + vm + ") is not HotSpot, whose compiler the Vector API needs";
        }
        if (System.getProperty("java.vm.info", "").contains("interpreted")) {
            return "the JVM runs interpreted only (-Xint)";
        }
        return null;
    }

    private static Kernels loadVector(int threads) {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            Class<?> cls = lookup.findClass(KernelProvider.class.getPackageName() + ".VectorKernels");
            MethodHandle ctor = lookup.findConstructor(cls, MethodType.methodType(void.class, int.class));
            return (Kernels) ctor.invoke(threads);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw e;
        } catch (LinkageError | ReflectiveOperationException e) {
            throw new UnsupportedOperationException("the Vector API kernels could not be loaded: " + e, e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("loading the Vector API kernels failed", t);
        }
    }
}

package org.nntune.nn.tensor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class KernelProviderTest {

    /** True in the surefire execution that forces the plain path ({@code -Dnntune.kernels=plain}). */
    static boolean forcedPlain() {
        return "plain".equals(System.getProperty(KernelProvider.KERNELS_PROPERTY));
    }

    @Test
    void theVectorPathIsActiveInTheStandardTestRun() {
        // surefire passes --add-modules jdk.incubator.vector; if the Vector path is not chosen,
        // the fast path is silently off and this test must say so
        assumeFalse(forcedPlain(), "this execution forces the plain path");
        assertThat(KernelProvider.get().name()).as(KernelProvider.description()).startsWith("vector-");
        assertThat(KernelProvider.get().getClass().getSimpleName()).isEqualTo("VectorKernels");
    }

    @Test
    void thePlainPathIsActiveWhenForced() {
        assumeTrue(forcedPlain(), "only in the execution that forces the plain path");
        assertThat(KernelProvider.get().name()).isEqualTo("plain-blocked");
        assertThat(KernelProvider.description()).contains("forced by nntune.kernels=plain");
    }

    @Test
    void theDefaultThreadCountIsTheParallelismDefault() {
        assertThat(KernelProvider.get().threads()).isEqualTo(Parallelism.defaultThreads());
        assertThat(KernelProvider.get(1).threads()).isEqualTo(1);
        assertThat(KernelProvider.get(3).threads()).isEqualTo(3);
        assertThat(KernelProvider.get(3).name()).isEqualTo(KernelProvider.get().name());
    }

    @Test
    void eachModeChoosesItsKernels() {
        assertThat(KernelProvider.choose("reference", 2).kernels()).isExactlyInstanceOf(PlainKernels.class);
        KernelProvider.Choice plain = KernelProvider.choose("plain", 2);
        assertThat(plain.kernels()).isInstanceOf(BlockedKernels.class);
        assertThat(plain.kernels().threads()).isEqualTo(2);
        assertThat(plain.fallback()).isFalse();
        assertThat(KernelProvider.choose(" Plain ", 1).kernels().name()).isEqualTo("plain-blocked");
    }

    @Test
    void vectorAndAutoModesChooseTheVectorPathWhenTheModuleIsPresent() {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "needs the module");
        assumeFalse(forcedPlain(), "the forced-plain execution need not run on a machine with wide vectors");
        assertThat(KernelProvider.choose("vector", 2).kernels().name()).startsWith("vector-");
        KernelProvider.Choice auto = KernelProvider.choose("auto", 2);
        assertThat(auto.kernels().name()).startsWith("vector-");
        assertThat(auto.fallback()).isFalse();
        assertThat(auto.reason()).contains("Vector API").contains("2 thread(s)");
    }

    @Test
    void anUnknownModeIsRejectedWithTheAllowedValues() {
        assertThatThrownBy(() -> KernelProvider.choose("simd", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nntune.kernels=simd")
                .hasMessageContaining("auto, vector, plain, reference");
    }

    @Test
    void aThreadCountOutOfRangeIsRejected() {
        assertThatThrownBy(() -> KernelProvider.get().withThreads(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("thread count 0");
        assertThatThrownBy(() -> KernelProvider.plain().withThreads(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 1024");
        assertThat(KernelProvider.plain().withThreads(4).threads()).isEqualTo(1);
    }
}

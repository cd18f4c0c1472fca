package org.nntune.nn.internal.kernels;

import org.junit.jupiter.api.Test;
import org.nntune.nn.tensor.Parallelism;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class KernelProviderTest {

    /** True in the surefire execution that forces the plain-Java path ({@code -Dnntune.kernels=java}). */
    static boolean forcedJava() {
        return "java".equals(System.getProperty(KernelProvider.KERNELS_PROPERTY));
    }

    @Test
    void theVectorPathIsActiveInTheStandardTestRun() {
        // surefire passes --add-modules jdk.incubator.vector; if the Vector path is not chosen,
        // the fast path is silently off and this test must say so
        assumeFalse(forcedJava(), "this execution forces the java path");
        assertThat(KernelProvider.get().name()).as(KernelProvider.description()).startsWith("vector-");
        assertThat(KernelProvider.get().getClass().getSimpleName()).isEqualTo("VectorKernels");
    }

    @Test
    void theJavaPathIsActiveWhenForced() {
        assumeTrue(forcedJava(), "only in the execution that forces the java path");
        assertThat(KernelProvider.get().name()).isEqualTo("java");
        assertThat(KernelProvider.description()).contains("forced by nntune.kernels=java");
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
        assertThat(KernelProvider.choose("reference", 2).kernels()).isExactlyInstanceOf(ReferenceKernels.class);
        KernelProvider.Choice java = KernelProvider.choose("java", 2);
        assertThat(java.kernels()).isInstanceOf(JavaKernels.class);
        assertThat(java.kernels().threads()).isEqualTo(2);
        assertThat(java.fallback()).isFalse();
        assertThat(KernelProvider.choose(" Java ", 1).kernels().name()).isEqualTo("java");
    }

    @Test
    void vectorAndAutoModesChooseTheVectorPathWhenTheModuleIsPresent() {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "needs the module");
        assumeFalse(forcedJava(), "the forced-java execution need not run on a machine with wide vectors");
        assertThat(KernelProvider.choose("vector", 2).kernels().name()).startsWith("vector-");
        KernelProvider.Choice auto = KernelProvider.choose("auto", 2);
        assertThat(auto.kernels().name()).startsWith("vector-");
        assertThat(auto.fallback()).isFalse();
        assertThat(auto.reason()).contains("Vector API").contains("2 thread(s)");
    }

    @Test
    void theGemmTileFollowsTheVectorWidthUnlessTheTilePropertySetsIt() {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "needs the module");
        assumeFalse(forcedJava(), "the forced-java execution need not run on a machine with wide vectors");
        assumeTrue(System.getProperty(VectorKernels.TILE_ROWS_PROPERTY) == null, "the property is set for this run");
        int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        // 32 registers (AVX-512) at 16 lanes: 8 rows; AVX2's 16 registers at 8 lanes: 6 rows
        assertThat(KernelProvider.choose("vector", 1).kernels().toString())
                .contains("GEMM tile " + (lanes >= 16 ? 8 : 6) + "x" + 2 * lanes);
        try {
            System.setProperty(VectorKernels.TILE_ROWS_PROPERTY, "8");
            assertThat(KernelProvider.choose("vector", 1).kernels().toString()).contains("GEMM tile 8x" + 2 * lanes);
            System.setProperty(VectorKernels.TILE_ROWS_PROPERTY, "6");
            assertThat(KernelProvider.choose("vector", 1).kernels().toString()).contains("GEMM tile 6x" + 2 * lanes);
            System.setProperty(VectorKernels.TILE_ROWS_PROPERTY, "7");
            assertThatThrownBy(() -> KernelProvider.choose("auto", 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("-Dnntune.vector.tileRows=7: the vector GEMM has tiles of 8 or 6 rows");
        } finally {
            System.clearProperty(VectorKernels.TILE_ROWS_PROPERTY);
        }
    }

    @Test
    void anUnknownModeIsRejectedWithTheAllowedValues() {
        assertThatThrownBy(() -> KernelProvider.choose("simd", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nntune.kernels=simd")
                .hasMessageContaining("auto, vector, java, reference");
        assertThatThrownBy(() -> KernelProvider.choose("plain", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nntune.kernels=plain was renamed: use java");
    }

    @Test
    void aThreadCountOutOfRangeIsRejected() {
        assertThatThrownBy(() -> KernelProvider.get().withThreads(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("thread count 0");
        assertThatThrownBy(() -> KernelProvider.reference().withThreads(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 1024");
        assertThat(KernelProvider.reference().withThreads(4).threads()).isEqualTo(1);
    }
}

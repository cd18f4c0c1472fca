package org.nntune.nn.internal.kernels;

import org.junit.jupiter.api.Test;

import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The shape of the kernel layer: every path implements every kernel itself. A default method in
 * {@link Kernels} or {@link ConvSteps}, or a path extending another, would let a path that forgot
 * a kernel run someone else's (the reference's: slow) without anyone noticing; this test fails
 * instead. The two fast paths share one base, {@link PackedKernels}, which is no path: it holds
 * only the GEMM and convolution plumbing named in {@link #SHARED_PLUMBING}, each method final, and
 * a kernel added there must be added to that list on purpose. Whether the paths compute the same
 * values is the other tests' job.
 */
class KernelPathsTest {

    private static final List<String> PATHS = List.of("ReferenceKernels", "JavaKernels", "VectorKernels");
    /** The paths built on {@link PackedKernels}. */
    private static final List<String> PACKED_PATHS = List.of("JavaKernels", "VectorKernels");
    /** What {@link PackedKernels} declares for both fast paths: their GEMM and the split convolution, nothing else. */
    private static final List<String> SHARED_PLUMBING = List.of("threads", "forEachPart", "gemm", "gemmInPart", "im2col",
            "col2im", "im2colRows", "col2imRows", "conv2dForward", "conv2dBackward", "maxPool2d", "maxPool2dBackward");

    @Test
    void theKernelInterfacesHaveNoDefaultMethods() {
        for (Class<?> api : List.of(Kernels.class, ConvSteps.class)) {
            List<String> defaults = new ArrayList<>();
            for (Method m : api.getDeclaredMethods()) {
                if (m.isDefault()) {
                    defaults.add(m.getName());
                }
            }
            assertThat(defaults).as("default methods of %s", api.getSimpleName()).isEmpty();
        }
    }

    @Test
    void everyPathDeclaresEveryKernelItselfAndExtendsNoOtherPath() throws Exception {
        List<String> checked = new ArrayList<>();
        for (String name : PATHS) {
            if (name.equals("VectorKernels")) {
                assumeThat(ModuleLayer.boot().findModule("jdk.incubator.vector")).as("the Vector API module").isPresent();
            }
            Class<?> path = Class.forName(Kernels.class.getPackageName() + "." + name, false, getClass().getClassLoader());
            boolean packed = PACKED_PATHS.contains(name);
            Class<?> base = packed ? PackedKernels.class : Object.class;
            assertThat(path.getSuperclass()).as("%s's superclass", name).isEqualTo(base);
            assertThat(Modifier.isFinal(path.getModifiers())).as("%s is final", name).isTrue();
            assertThat(packed ? base.getInterfaces() : path.getInterfaces()).as("%s's interfaces", name)
                    .containsExactlyInAnyOrder(Kernels.class, ConvSteps.class);
            for (Class<?> api : List.of(Kernels.class, ConvSteps.class)) {
                for (Method m : api.getDeclaredMethods()) {
                    if (Modifier.isStatic(m.getModifiers())) {
                        continue;
                    }
                    boolean shared = packed && SHARED_PLUMBING.contains(m.getName());
                    Class<?> owner = shared ? base : path;
                    Method own = owner.getDeclaredMethod(m.getName(), m.getParameterTypes());
                    assertThat(own.getDeclaringClass()).as("%s.%s%s", name, m.getName(),
                            Arrays.toString(m.getParameterTypes())).isEqualTo(owner);
                    if (shared) {
                        assertThat(Modifier.isFinal(own.getModifiers())).as("PackedKernels.%s is final", m.getName()).isTrue();
                    }
                    checked.add(name + "." + m.getName());
                }
            }
        }
        assertThat(checked).as("kernels checked").hasSizeGreaterThan(2 * 30);
    }

    @Test
    void theFastPathsShareOnlyTheirPlumbing() {
        List<String> declared = new ArrayList<>();
        for (Method m : PackedKernels.class.getDeclaredMethods()) {
            if (!m.isSynthetic()) {
                declared.add(m.getName());
            }
        }
        assertThat(declared).as("methods of PackedKernels").containsExactlyInAnyOrderElementsOf(SHARED_PLUMBING);
        assertThat(Modifier.isAbstract(PackedKernels.class.getModifiers())).as("PackedKernels is no path of its own").isTrue();
    }

    @Test
    void theKernelsAreInTheEngineModuleButNotExported() {
        Module engine = Kernels.class.getModule();
        assertThat(engine.isNamed()).as("tests run inside the module org.nntune.nn (module path)").isTrue();
        assertThat(engine.getName()).isEqualTo("org.nntune.nn");
        List<String> exported = engine.getDescriptor().exports().stream()
                .map(ModuleDescriptor.Exports::source).sorted().toList();
        assertThat(exported).containsExactly("org.nntune.nn.data", "org.nntune.nn.layer", "org.nntune.nn.loss",
                "org.nntune.nn.metric", "org.nntune.nn.model", "org.nntune.nn.optim", "org.nntune.nn.tensor");
        assertThat(engine.getDescriptor().packages()).contains(Kernels.class.getPackageName());
    }
}

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
 * instead. Whether the paths compute the same values is the other tests' job.
 */
class KernelPathsTest {

    private static final List<String> PATHS = List.of("ReferenceKernels", "JavaKernels", "VectorKernels");

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
            assertThat(path.getSuperclass()).as("%s's superclass", name).isEqualTo(Object.class);
            assertThat(Modifier.isFinal(path.getModifiers())).as("%s is final", name).isTrue();
            assertThat(path.getInterfaces()).as("%s's interfaces", name).containsExactlyInAnyOrder(Kernels.class, ConvSteps.class);
            for (Class<?> api : List.of(Kernels.class, ConvSteps.class)) {
                for (Method m : api.getDeclaredMethods()) {
                    if (Modifier.isStatic(m.getModifiers())) {
                        continue;
                    }
                    Method own = path.getDeclaredMethod(m.getName(), m.getParameterTypes());
                    assertThat(own.getDeclaringClass()).as("%s.%s%s", name, m.getName(),
                            Arrays.toString(m.getParameterTypes())).isEqualTo(path);
                    checked.add(name + "." + m.getName());
                }
            }
        }
        assertThat(checked).as("kernels checked").hasSizeGreaterThan(2 * 30);
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

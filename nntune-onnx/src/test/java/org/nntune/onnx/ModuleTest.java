package org.nntune.onnx;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The tests run inside the named module org.nntune.onnx (surefire: the module path, the tests patched in). */
class ModuleTest {
    @Test
    void theTestsRunInsideTheModule() {
        assertThat(OnnxExport.class.getModule().getName()).isEqualTo("org.nntune.onnx");
    }
}

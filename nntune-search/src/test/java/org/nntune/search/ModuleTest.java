package org.nntune.search;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The tests run inside the named module org.nntune.search (surefire: the module path, the tests patched in). */
class ModuleTest {
    @Test
    void theTestsRunInsideTheModule() {
        assertThat(MlpSpace.class.getModule().getName()).isEqualTo("org.nntune.search");
    }
}

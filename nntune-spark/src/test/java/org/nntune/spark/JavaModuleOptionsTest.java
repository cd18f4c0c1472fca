package org.nntune.spark;

import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JVM options nntune starts Spark JVMs with (the pom's {@code nntune.spark.jvm.flags}: the tests'
 * JVMs, bin/nntune --spark) are all those Spark's launcher gives its own JVMs on JDK 17+, so that an
 * upgrade of Spark that needs one more cannot go unnoticed.
 */
class JavaModuleOptionsTest {

    @Test
    void nntuneStartsSparkJvmsWithEveryOptionSparksLauncherUses() throws Exception {
        List<String> ours = StandaloneCluster.sparkJvmFlags();
        assertThat(ours).containsAll(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));
        try (InputStream in = JavaModuleOptionsTest.class.getResourceAsStream("/nntune-spark-jvm.flags")) {
            assertThat(in).as("the flags file bin/nntune reads").isNotNull();
            List<String> file = Arrays.asList(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split("\\s+"));
            assertThat(file).isEqualTo(ours);
        }
    }
}

package org.nntune.spark;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.DefaultConfiguration;
import org.junit.jupiter.api.Test;

import java.net.URL;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * spark-submit loads Spark's default log profile (root at INFO) before it calls {@link SparkMain}: it
 * is quieted as log4j2's bare default is (under {@code nntune tune --spark}), so that neither Spark's
 * INFO lines (Executor, DAGScheduler…) nor the storage pool's (HikariPool) reach the terminal
 * unless {@code --verbose}; a configuration of the user's is left alone.
 */
class SparkDefaultProfileTest {

    @Test
    void sparksDefaultProfileIsQuietedUnlessVerbose() throws Exception {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration before = context.getConfiguration();
        URL profile = SparkWorkers.class.getClassLoader().getResource(SparkWorkers.SPARK_DEFAULT_PROFILE);
        assertThat(profile).as("Spark's default profile on the class path").isNotNull();
        try {
            // what spark-submit does (Spark's Logging.initializeLogIfNecessary): its defaults, root at INFO
            context.setConfigLocation(profile.toURI());
            assertThat(SparkWorkers.sparksDefaultProfile(context.getConfiguration())).isTrue();
            assertThat(LogManager.getLogger("org.apache.spark.executor.Executor").isInfoEnabled()).isTrue();

            SparkWorkers.quietSparkLog(false);
            for (String name : new String[] {"org.apache.spark.executor.Executor", "org.apache.spark.scheduler.DAGScheduler",
                    "com.zaxxer.hikari.pool.HikariPool", "com.zaxxer.hikari.HikariDataSource"}) {
                assertThat(LogManager.getLogger(name).isInfoEnabled()).as(name).isFalse();
                assertThat(LogManager.getLogger(name).isWarnEnabled()).as(name).isFalse();
            }
            // the two lines of Spark's that say what nntune cannot see, and nntune's own warnings
            assertThat(LogManager.getLogger("org.apache.spark.scheduler.TaskSchedulerImpl").isWarnEnabled()).isTrue();
            assertThat(LogManager.getLogger("org.nntune.cli").isWarnEnabled()).isTrue();

            context.setConfigLocation(profile.toURI());
            context.reconfigure();
            SparkWorkers.quietSparkLog(true);
            assertThat(LogManager.getLogger("org.apache.spark.executor.Executor").isInfoEnabled()).isFalse();
            assertThat(LogManager.getLogger("org.apache.spark.executor.Executor").isWarnEnabled()).isTrue();
        } finally {
            context.setConfiguration(before instanceof DefaultConfiguration ? new DefaultConfiguration() : before);
        }
        // a configuration that is not Spark's default profile is not taken for it
        assertThat(SparkWorkers.sparksDefaultProfile(new DefaultConfiguration())).isFalse();
    }
}

package org.nntune.cli.output;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressTest {

    @Test
    void theBarNeverWrapsAt80Columns() {
        String line = Progress.barLine(1234, 10000, 321, 45, OptionalDouble.of(0.987654), Duration.ofHours(3), 100, 79);
        assertThat(line.length()).isLessThanOrEqualTo(79);
        assertThat(line).contains("1234/10000").contains("best 0.9877").contains("ETA");
        assertThat(Progress.barLine(1, 2, 0, 0, OptionalDouble.empty(), Duration.ZERO, 0, 30).length()).isLessThanOrEqualTo(30);
    }

    @Test
    void theEtaCountsOnlyThisRunsTrials() {
        // 90 trials were done by an earlier run; this run did 5 in 50 s: 5 left take 50 s more
        String line = Progress.barLine(95, 100, 0, 0, OptionalDouble.empty(), Duration.ofSeconds(50), 5, 200);
        assertThat(line).contains("ETA 00:50");
    }

    @Test
    void somethingIsShownBeforeTheFirstTrialEnds() {
        StringWriter out = new StringWriter();
        new Progress(new PrintWriter(out), Progress.Mode.BAR, 80).start(3, 10);
        assertThat(out.toString()).contains("3/10");
        StringWriter plain = new StringWriter();
        new Progress(new PrintWriter(plain), Progress.Mode.PLAIN, 80).start(3, 10);
        assertThat(plain.toString()).contains("running trials 4 to 10");
    }
}

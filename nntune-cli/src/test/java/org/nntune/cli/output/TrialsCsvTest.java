package org.nntune.cli.output;

import org.junit.jupiter.api.Test;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.Trial;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** A CSV of the trials keeps every digit of their values and parameters; the table shows 6. */
class TrialsCsvTest {

    @Test
    void theCsvKeepsEveryDigitAndTheTableSix() {
        Study s = Study.builder("digits").create();
        Trial t = s.ask();
        double lr = t.suggestFloat("lr", 1e-4, 1e-1, org.nntune.tune.study.Log.YES);
        int units = t.suggestInt("units", 4, 400);
        s.tell(t, 0.123456789012);
        StringWriter csv = new StringWriter();
        TrialsFormat.csv(s.trials(), new PrintWriter(csv));
        String[] row = csv.toString().lines().toList().get(1).split(",");
        // every number reads back as the double it was (Java's shortest form), an int as an int
        assertThat(row).contains("0.123456789012", Double.toString(lr), Integer.toString(units));
        assertThat(Double.parseDouble(row[2])).isEqualTo(0.123456789012);
        StringWriter table = new StringWriter();
        TrialsFormat.table(s.trials(), new PrintWriter(table));
        assertThat(table.toString()).contains("0.123457").doesNotContain("0.123456789012");
    }
}

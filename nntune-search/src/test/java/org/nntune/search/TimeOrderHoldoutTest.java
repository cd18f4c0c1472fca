package org.nntune.search;

import org.junit.jupiter.api.Test;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Split;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The time-order hold-out: the last rows held out, a gap before them, nothing shuffled, the same split for every seed. */
class TimeOrderHoldoutTest {

    private static Dataset rows(int n) {
        return Dataset.regression("t", new float[n], new int[] {1}, new float[n], 1, List.of());
    }

    @Test
    void holdsOutTheLastRowsAfterAGap() {
        CvStrategy cv = new CvStrategy.TimeOrderHoldout(0.2, 2);
        Split s = cv.splits(rows(20), 7).get(0);
        assertThat(s.test()).containsExactly(16, 17, 18, 19);
        assertThat(s.train()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13);
        assertThat(cv.splits(rows(20), 99)).isEqualTo(cv.splits(rows(20), 7)).hasSize(1);
        assertThat(cv.describe()).isEqualTo("hold-out 0.2 in time order (gap 2)");
        assertThat(new CvStrategy.TimeOrderHoldout(0.5, 0).splits(rows(4), 0).get(0).train()).containsExactly(0, 1);
    }

    @Test
    void tooFewRowsAndBadArgumentsAreRefused() {
        assertThatThrownBy(() -> new CvStrategy.TimeOrderHoldout(0.5, 3).splits(rows(6), 0))
                .hasMessageContaining("leaves 0 to fit and 3 held out");
        assertThatThrownBy(() -> new CvStrategy.TimeOrderHoldout(1.0, 0)).hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> new CvStrategy.TimeOrderHoldout(0.2, -1)).hasMessageContaining("gap must be >= 0");
    }
}

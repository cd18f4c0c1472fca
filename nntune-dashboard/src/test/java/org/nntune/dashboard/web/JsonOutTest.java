package org.nntune.dashboard.web;

import org.junit.jupiter.api.Test;
import org.nntune.tune.space.JsonNull;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JsonOutTest {
    @Test
    void anOptunaNoneIsWrittenAsNullNotAsTheString() {
        // an Optuna categorical with None among its choices: the choices and a trial's value
        String json = new JsonOut().any(Map.of("choices", Arrays.asList("a", JsonNull.INSTANCE, 3L), "c", JsonNull.INSTANCE))
                .toString();
        assertThat(json).contains("\"choices\":[\"a\",null,3]").contains("\"c\":null").doesNotContain("\"null\"");
        assertThat(new JsonOut().any(List.of(JsonNull.INSTANCE)).toString()).isEqualTo("[null]");
    }
}

package org.nntune.search;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two names of one hyperparameter in one map (scikit-learn's alias and nntune's name) are refused
 * wherever a map is read; one of them used to be dropped, which one depending on the map's order.
 */
class AliasClashTest {

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void gridsRefuseTwoNamesOfOneHyperparameterInEitherOrder() {
        String l2 = "parameters 'alpha' and 'l2' name the same hyperparameter (l2); give one";
        Map<String, List<?>> a = new LinkedHashMap<>();
        a.put("alpha", List.of(1e-4));
        a.put("l2", List.of(1e-2));
        Map<String, List<?>> b = new LinkedHashMap<>();
        b.put("l2", List.of(1e-2));
        b.put("alpha", List.of(1e-4));
        assertThatThrownBy(() -> GridSearchCV.sklearn(a)).isInstanceOf(IllegalArgumentException.class).hasMessage(l2);
        assertThatThrownBy(() -> GridSearchCV.sklearn(b)).isInstanceOf(IllegalArgumentException.class).hasMessage(l2);
        assertThatThrownBy(() -> GridSearchCV.of(Map.of("max_iter", List.of(5), "epochs", List.of(10))))
                .hasMessage("parameters 'epochs' and 'max_iter' name the same hyperparameter (epochs); give one");
        assertThatThrownBy(() -> GridSearchCV.of(MlpSpace.defaults(), Map.of("solver", List.of("adam"), "optimizer", List.of("sgd"))))
                .hasMessage("parameters 'optimizer' and 'solver' name the same hyperparameter (optimizer); give one");
        // one name each is fine, an alias alone too
        assertThat(GridSearchCV.sklearn(Map.of("alpha", List.of(1e-4, 1e-2), "max_iter", List.of(5)))).isNotNull();
    }

    @Test
    void spacesFromMapsRefuseThemToo() {
        assertThatThrownBy(() -> MlpSpace.fromSpec(ordered("weight_decay", 1e-3, "alpha", 1e-4)))
                .hasMessage("parameters 'alpha' and 'weight_decay' name the same hyperparameter (l2); give one");
        assertThatThrownBy(() -> CnnSpace.fromSpec(ordered("lr", 1e-3, "learning_rate_init", 1e-2)))
                .hasMessage("parameters 'learning_rate_init' and 'lr' name the same hyperparameter (lr); give one");
        assertThatThrownBy(() -> RnnSpace.fromSpec(ordered("epochs", 3, "max_iter", 4)))
                .hasMessageContaining("name the same hyperparameter (epochs)");
        assertThatThrownBy(() -> MlpSpace.defaults().with(ordered("layers", 2, "n_layers", 3)))
                .hasMessage("parameters 'layers' and 'n_layers' name the same hyperparameter (layers); give one");
        assertThat(MlpSpace.fromSpec(ordered("alpha", 1e-4)).params()).containsKey("l2");
    }
}

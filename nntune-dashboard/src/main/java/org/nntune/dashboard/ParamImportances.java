package org.nntune.dashboard;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How much each parameter matters for the first objective, as a method computed it.
 *
 * @param method what the numbers are, shown with the plot (e.g. "fANOVA", or the default's
 *     "|Spearman ρ| normalised to sum 1")
 * @param values parameter name → importance, finite and {@code >= 0}; kept ordered from most to
 *     least important (ties by name)
 * @param notes what the reader should know about the numbers (parameters left out and why, a
 *     constant objective, too few trials), shown under the plot; empty when there is nothing to say
 */
public record ParamImportances(String method, Map<String, Double> values, List<String> notes) {

    /** Importances with nothing to add. */
    public ParamImportances(String method, Map<String, Double> values) {
        this(method, values, List.of());
    }

    /** Checks the values and orders them. */
    public ParamImportances {
        if (method.isBlank()) {
            throw new IllegalArgumentException("importance method must be named");
        }
        List<Map.Entry<String, Double>> entries = new ArrayList<>(values.entrySet());
        for (Map.Entry<String, Double> e : entries) {
            double v = e.getValue();
            if (!Double.isFinite(v) || v < 0) {
                throw new IllegalArgumentException("importance of '" + e.getKey() + "' is " + v
                        + "; importances must be finite and >= 0");
            }
        }
        entries.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        Map<String, Double> ordered = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : entries) {
            ordered.put(e.getKey(), e.getValue());
        }
        values = Collections.unmodifiableMap(ordered);
        notes = List.copyOf(notes);
    }

    /** @return the parameter names, most important first */
    public List<String> ranking() {
        return List.copyOf(values.keySet());
    }
}

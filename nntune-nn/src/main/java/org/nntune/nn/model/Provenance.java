package org.nntune.nn.model;

import java.util.Arrays;
import java.util.Map;

/**
 * Where a model comes from (as Tribuo's provenance): the seed of its initial weights, the seed
 * of its training run, the training data's name, fingerprint (SHA-256 of its content) and shape
 * (rows, then the feature shape), the hyperparameters, and the nntune version that trained it.
 * An untrained model has an empty data name, fingerprint and shape.
 */
public record Provenance(long initSeed, long fitSeed, String dataName, String dataFingerprint, int[] dataShape,
                         Map<String, String> hyperparameters, String nntuneVersion) {

    /** Keeps copies of the data shape and the hyperparameters (unmodifiable, in their iteration order). */
    public Provenance {
        dataShape = dataShape.clone();
        hyperparameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(hyperparameters));
    }

    /** @return the training data's shape, rows first, then the feature shape (a copy); empty when untrained */
    @Override
    public int[] dataShape() {
        return dataShape.clone();
    }

    /** Whether the model was trained (has training data recorded). */
    public boolean trained() {
        return !dataFingerprint.isEmpty();
    }

    static Provenance untrained(long initSeed) {
        return new Provenance(initSeed, 0, "", "", new int[0], Map.of(), Version.NNTUNE);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Provenance p && initSeed == p.initSeed && fitSeed == p.fitSeed && dataName.equals(p.dataName)
                && dataFingerprint.equals(p.dataFingerprint) && Arrays.equals(dataShape, p.dataShape)
                && hyperparameters.equals(p.hyperparameters) && nntuneVersion.equals(p.nntuneVersion);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(initSeed, fitSeed, dataName, dataFingerprint, Arrays.hashCode(dataShape), hyperparameters, nntuneVersion);
    }

    @Override
    public String toString() {
        return "Provenance[initSeed=" + initSeed + ", fitSeed=" + fitSeed + ", data=" + dataName + " " + Arrays.toString(dataShape)
                + " " + dataFingerprint + ", hyperparameters=" + hyperparameters + ", nntune " + nntuneVersion + "]";
    }
}

package org.nntune.tune.space;

/**
 * JSON's {@code null} (Python's {@code None}) as a value: nntune's values are never Java
 * {@code null}, so a null that a study holds — an Optuna categorical with {@code None} among its
 * choices — is this one instance. It prints as {@code null}, {@link Json#encode} writes it as
 * {@code null} and {@link Json#decode} reads {@code null} as it, so a distribution read from
 * Optuna's tables is written back unchanged.
 */
public final class JsonNull {
    /** The one JSON null. */
    public static final JsonNull INSTANCE = new JsonNull();

    private JsonNull() {}

    /** @return {@code null}, as JSON writes it */
    @Override
    public String toString() {
        return "null";
    }

    // identity equals (one instance); a fixed hash so that hash-ordered collections iterate alike in every run
    @Override
    public int hashCode() {
        return 0x6e756c6c;
    }

    @Override
    public boolean equals(Object o) {
        return o == this;
    }
}

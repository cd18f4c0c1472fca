package org.nntune.search;

/**
 * A hyperparameter value a network family cannot take ({@code activation: tahn}, {@code dropout: 1.5}),
 * refused when the value is set on a space rather than in the trials that would draw it. It names
 * the parameter and the value so that a front end (a study file) can point at the very item.
 */
public final class InvalidValueException extends IllegalArgumentException {
    private final String parameter;
    private final transient Object value;

    InvalidValueException(String parameter, Object value, String problem) {
        super("parameter '" + parameter + "': " + problem);
        this.parameter = parameter;
        this.value = value;
    }

    /** The parameter's name as given (an alias stays an alias). */
    public String parameter() {
        return parameter;
    }

    /** The refused value. */
    public Object value() {
        return value;
    }
}

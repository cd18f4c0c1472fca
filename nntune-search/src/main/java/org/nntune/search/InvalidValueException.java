package org.nntune.search;

/**
 * A hyperparameter value a network family cannot take ({@code activation: tahn}, {@code dropout: 1.5}),
 * refused when the value is set on a space rather than in the trials that would draw it. It names
 * the parameter and the value so that a front end (a study file) can point at the very item.
 */
public final class InvalidValueException extends IllegalArgumentException {
    /** The parameter's name as given (part of the serialized form; the value is not). */
    private final String parameter;
    private final transient Object value;

    InvalidValueException(String parameter, Object value, String problem) {
        super(named(parameter, problem));
        this.parameter = parameter;
        this.value = value;
    }

    /** The problem, led by the parameter's name unless it already names it (no "parameter 'x': parameter 'x' …"). */
    private static String named(String parameter, String problem) {
        String lead = "parameter '" + parameter + "'";
        return problem != null && problem.startsWith(lead) ? problem : lead + ": " + problem;
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

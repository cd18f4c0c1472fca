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
    /** Every mistake found with this one, this one first; null: this one alone. */
    private transient java.util.List<InvalidValueException> all;

    InvalidValueException(String parameter, Object value, String problem) {
        super(named(parameter, problem));
        this.parameter = parameter;
        this.value = value;
    }

    /** The first of {@code problems}, carrying them all (a space's combined checks report every mistake at once). */
    static InvalidValueException all(java.util.List<InvalidValueException> problems) {
        InvalidValueException first = problems.get(0);
        first.all = java.util.List.copyOf(problems);
        return first;
    }

    /** Every mistake found together with this one, this one first (most often only this one). */
    public java.util.List<InvalidValueException> problems() {
        return all == null ? java.util.List.of(this) : all;
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

package org.nntune.tune.study;

import org.nntune.tune.space.Distribution;

/**
 * A trial asked for a parameter with another kind of distribution than the study's earlier trials
 * had under that name (float against int, or a categorical with other choices). A study keeps each
 * name's kind so that its trials stay comparable and its samplers can model them; ranges may differ.
 */
public final class IncompatibleParameterException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The parameter's name (part of the serialized form). */
    private final String param;
    /** The distribution the study's earlier trials had, as text (part of the serialized form). */
    private final String stored;
    /** The distribution asked now, as text (part of the serialized form). */
    private final String asked;

    IncompatibleParameterException(String studyName, String param, Distribution stored, Distribution asked) {
        super("study '" + studyName + "': parameter '" + param + "' was " + stored + " in earlier trials and is now asked as "
                + asked + "; a name keeps its kind of distribution (and a categorical its choices) within a study");
        this.param = param;
        this.stored = String.valueOf(stored);
        this.asked = String.valueOf(asked);
    }

    /** The parameter's name. */
    public String param() { return param; }

    /** The distribution the study's earlier trials had under the name, as text. */
    public String stored() { return stored; }

    /** The distribution asked now, as text. */
    public String asked() { return asked; }
}

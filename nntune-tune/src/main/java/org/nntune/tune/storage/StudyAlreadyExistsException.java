package org.nntune.tune.storage;

/** Thrown by {@link Storage#createStudy} when a study of that name exists already. */
public class StudyAlreadyExistsException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** @param name the name that is taken */
    public StudyAlreadyExistsException(String name) {
        super("a study named '" + name + "' exists already; load it, or choose another name");
    }
}

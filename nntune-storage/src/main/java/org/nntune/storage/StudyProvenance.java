package org.nntune.storage;

import org.nntune.tune.space.Json;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.SystemAttrs;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a study remembers about what it runs, in its system attributes, so that a worker started
 * with only the storage URL and the study name runs the same objective on the same data:
 * <ul>
 *   <li>{@value #DEFINITION} — the resolved study definition (for studies made from a study file:
 *       the search space, the model family, the data source, … as a JSON object);</li>
 *   <li>{@value #DATA_FINGERPRINT} — a fingerprint (hash) of the training data.</li>
 * </ul>
 * Both are written once, by whoever creates the study; writing a different value later is refused,
 * since trials already run would no longer be comparable.
 */
public final class StudyProvenance {
    /** The system attribute holding the resolved study definition. */
    public static final String DEFINITION = SystemAttrs.STUDY_DEFINITION;
    /** The system attribute holding the data fingerprint. */
    public static final String DATA_FINGERPRINT = SystemAttrs.DATA_FINGERPRINT;

    private StudyProvenance() {}

    /**
     * Records the study definition, or checks that the one recorded is the same.
     *
     * @throws IllegalStateException if a different definition is recorded already
     */
    public static void recordDefinition(Storage storage, long studyId, Map<String, Object> definition) {
        recordOnce(storage, studyId, DEFINITION, withoutPasswords(definition), "study definition");
    }

    /**
     * A value with the password of every storage URL in its texts removed ({@link StorageUrl#stripPasswords}),
     * maps and lists copied: a study file's {@code storage:} key is recorded, its password never.
     */
    static Object withoutPasswords(Object value) {
        if (value instanceof String s) {
            return StorageUrl.stripPasswords(s);
        }
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> out = new java.util.LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, withoutPasswords(v)));
            return out;
        }
        if (value instanceof java.util.List<?> l) {
            return l.stream().map(StudyProvenance::withoutPasswords).toList();
        }
        return value;
    }

    /**
     * Records the data fingerprint, or checks that the one recorded is the same.
     *
     * @throws IllegalStateException if a different fingerprint is recorded already
     */
    public static void recordDataFingerprint(Storage storage, long studyId, String fingerprint) {
        if (fingerprint.isBlank()) {
            throw new IllegalArgumentException("a data fingerprint must not be blank");
        }
        recordOnce(storage, studyId, DATA_FINGERPRINT, fingerprint, "data fingerprint");
    }

    private static void recordOnce(Storage storage, long studyId, String key, Object value, String what) {
        Object v = Json.normalize(value);
        if (storage.compareAndSetStudySystemAttr(studyId, key, Optional.empty(), v)) {
            return;
        }
        Object stored = storage.getStudySystemAttrs(studyId).get(key);
        if (!Objects.equals(stored, v)) {
            throw new IllegalStateException("study '" + storage.getStudy(studyId).name() + "' has a different "
                    + what + " recorded already (" + abbreviate(stored) + ", now " + abbreviate(v)
                    + "); trials run with the old one would not be comparable: start a new study instead");
        }
    }

    /** @return the recorded study definition, if any */
    @SuppressWarnings("unchecked")
    public static Optional<Map<String, Object>> definition(Storage storage, long studyId) {
        Object v = storage.getStudySystemAttrs(studyId).get(DEFINITION);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Map<?, ?>)) {
            throw new IllegalStateException("study '" + storage.getStudy(studyId).name() + "': system attribute '"
                    + DEFINITION + "' must be a JSON object, got " + abbreviate(v));
        }
        return Optional.of((Map<String, Object>) v);
    }

    /** @return the recorded data fingerprint, if any */
    public static Optional<String> dataFingerprint(Storage storage, long studyId) {
        Object v = storage.getStudySystemAttrs(studyId).get(DATA_FINGERPRINT);
        return v == null ? Optional.empty() : Optional.of(String.valueOf(v));
    }

    /**
     * Checks that a worker's data are the study's.
     *
     * @param fingerprint the fingerprint of the data the worker loaded
     * @throws IllegalStateException if the study recorded another fingerprint
     */
    public static void checkDataFingerprint(Storage storage, long studyId, String fingerprint) {
        Optional<String> stored = dataFingerprint(storage, studyId);
        if (stored.isPresent() && !stored.get().equals(fingerprint)) {
            throw new IllegalStateException("study '" + storage.getStudy(studyId).name()
                    + "' was run on data with fingerprint " + stored.get() + ", but this worker's data have fingerprint "
                    + fingerprint + "; give the worker the same data (same file and version) or start a new study");
        }
    }

    private static String abbreviate(Object v) {
        String s = v instanceof String str ? str : Json.encode(v);
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }
}

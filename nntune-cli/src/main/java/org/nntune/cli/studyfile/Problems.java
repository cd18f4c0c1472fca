package org.nntune.cli.studyfile;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The mistakes found so far in one reading of a study file, so that one run lists them all. One
 * mistake per key is kept (the first: a second one at the same key is a consequence of it, e.g. a
 * missing key after its misspelling was named), except that one exception's several mistakes at a
 * key are kept together (each bad item of one list, at its own line). A part of the file read with {@link #attempt}
 * that recorded mistakes counts as failed, and what it threw afterwards is dropped as a
 * consequence of them: checks that depend on a bad value are skipped, not run on it.
 */
final class Problems {
    private final List<StudyFileException> found = new ArrayList<>();
    private final Set<String> keys = new HashSet<>();

    void add(StudyFileException e) {
        Set<String> added = new HashSet<>(); // the keys this exception brings: all of its mistakes at them are kept
        for (StudyFileException p : e.problems()) {
            String at = p.key() == null ? "@" + p.where().line() : p.key();
            if (added.contains(at) || keys.add(at)) {
                added.add(at);
                found.add(p);
            }
        }
    }

    boolean isEmpty() {
        return found.isEmpty();
    }

    int size() {
        return found.size();
    }

    /**
     * Runs one part of the reading. Returns its value when it went through without a mistake;
     * otherwise records the mistake it threw (unless it had recorded some already: then the thrown
     * one follows from them) and returns null.
     */
    <T> T attempt(Supplier<T> part) {
        int before = found.size();
        try {
            T value = part.get();
            return found.size() == before ? value : null;
        } catch (StudyFileException e) {
            if (found.size() == before) {
                add(e);
            }
            return null;
        } catch (RuntimeException e) {
            // a getter that recorded a bad value returned nothing, and the code after it could not go on
            if (found.size() == before) {
                throw e;
            }
            return null;
        }
    }

    void attempt(Runnable part) {
        attempt(() -> {
            part.run();
            return Boolean.TRUE;
        });
    }

    /** Throws every mistake found, in line order, as one exception. */
    void throwIfAny() {
        if (!found.isEmpty()) {
            throw StudyFileException.of(found);
        }
    }
}

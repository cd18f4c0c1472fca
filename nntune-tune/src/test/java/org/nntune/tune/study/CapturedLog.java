package org.nntune.tune.study;

import java.text.MessageFormat;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link System.Logger} that keeps what is logged at or above a level, for tests that put it in place of a
 * class's logger field ({@code Study.log}, {@code StudyWorker.log}) and read what a user would be told.
 * Thread-safe: another thread may read the entries while they are logged.
 */
public final class CapturedLog implements System.Logger {
    /** One log call: its level, its message (formatted), and the exception logged with it, or null. */
    public record Entry(Level level, String message, Throwable thrown) {}

    private final Level threshold;
    private final List<Entry> entries = new CopyOnWriteArrayList<>();

    /** Keeps the calls at {@code threshold} and louder. */
    public CapturedLog(Level threshold) {
        this.threshold = threshold;
    }

    /** @return the calls so far, oldest first (a live view) */
    public List<Entry> entries() {
        return entries;
    }

    /** @return the messages so far, oldest first */
    public List<String> messages() {
        return entries.stream().map(Entry::message).toList();
    }

    @Override
    public String getName() {
        return "captured";
    }

    @Override
    public boolean isLoggable(Level level) {
        return level.getSeverity() >= threshold.getSeverity();
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        if (isLoggable(level)) {
            entries.add(new Entry(level, msg, thrown));
        }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        if (isLoggable(level)) {
            entries.add(new Entry(level, params == null || params.length == 0 ? format : MessageFormat.format(format, params),
                    null));
        }
    }
}

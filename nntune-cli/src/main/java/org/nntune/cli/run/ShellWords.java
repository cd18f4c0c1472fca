package org.nntune.cli.run;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Command lines nntune prints for the user to run (the resume command, the way to delete a stored
 * study): each word as a POSIX shell reads it back, so that a study named {@code slow study} or a
 * file in a folder with a space is one argument when the line is pasted.
 */
public final class ShellWords {
    private ShellWords() {}

    /** Characters a shell leaves alone in a word: no quoting needed. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:@%+=,-]+");

    /** @return {@code word} as it is when the shell leaves it alone, else in single quotes ('\'' for a quote in it) */
    public static String word(String word) {
        if (PLAIN.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** @return {@code d} as {@code --timeout} reads it: 2h, 90m, 45s, or seconds with a fraction */
    public static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return java.math.BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString();
    }
}

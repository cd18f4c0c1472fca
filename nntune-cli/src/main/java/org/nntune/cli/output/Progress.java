package org.nntune.cli.output;

import java.io.Console;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Study progress for people: on a terminal, one live line redrawn in place
 * ({@code [#####.....] 12/30 trials · 3 pruned · 1 failed · best 0.9667 · 00:41 elapsed · ETA 01:02});
 * otherwise (a pipe, a log file, CI) a plain log line per finished trial.
 */
public final class Progress {
    /** How progress is shown. */
    public enum Mode { BAR, PLAIN, NONE }

    private static final int WIDTH = 24;
    private final PrintWriter out;
    private final Mode mode;
    private int lastLength;

    public Progress(PrintWriter out, Mode mode) {
        this.out = out;
        this.mode = mode;
    }

    /** BAR when standard output is an interactive terminal, PLAIN otherwise. */
    public static Mode detect() {
        Console c = System.console();
        if (c == null) {
            return Mode.PLAIN;
        }
        try {
            // JDK 22+ returns a Console for redirected streams too; ask it whether it is a terminal
            Object terminal = Console.class.getMethod("isTerminal").invoke(c);
            return Boolean.TRUE.equals(terminal) ? Mode.BAR : Mode.PLAIN;
        } catch (ReflectiveOperationException e) {
            return Mode.BAR; // JDK < 22: a console means a terminal
        }
    }

    /**
     * Shows the state after a trial finished.
     *
     * @param trialNumber the trial that just finished, or -1 for a redraw
     * @param state       its state ("COMPLETE", "PRUNED", "FAIL")
     * @param value       its value, if any
     */
    public synchronized void update(int done, int total, int pruned, int failed, OptionalDouble best, Duration elapsed,
                                    int trialNumber, String state, OptionalDouble value) {
        switch (mode) {
            case NONE -> { }
            case PLAIN -> {
                if (trialNumber >= 0) {
                    out.printf(Locale.ROOT, "trial %d %s%s · %d/%d done · %d pruned · %d failed · best %s · %s elapsed%n",
                            trialNumber, state.toLowerCase(Locale.ROOT),
                            value.isPresent() ? " " + fmt(value.getAsDouble()) : "", done, total, pruned, failed,
                            best.isPresent() ? fmt(best.getAsDouble()) : "–", clock(elapsed));
                    out.flush();
                }
            }
            case BAR -> {
                String line = barLine(done, total, pruned, failed, best, elapsed);
                StringBuilder sb = new StringBuilder("\r").append(line);
                if (line.length() < lastLength) {
                    sb.append(" ".repeat(lastLength - line.length()));
                }
                lastLength = line.length();
                out.print(sb);
                out.flush();
            }
        }
    }

    /** Ends the live line so that what follows starts on a fresh line. */
    public synchronized void finish() {
        if (mode == Mode.BAR && lastLength > 0) {
            out.println();
            out.flush();
            lastLength = 0;
        }
    }

    static String barLine(int done, int total, int pruned, int failed, OptionalDouble best, Duration elapsed) {
        int filled = total <= 0 ? 0 : (int) Math.min(WIDTH, Math.round(WIDTH * (double) done / total));
        String eta = "–";
        if (done > 0 && total > done) {
            eta = clock(elapsed.multipliedBy(total - done).dividedBy(done));
        } else if (done >= total) {
            eta = "00:00";
        }
        return String.format(Locale.ROOT, "[%s%s] %d/%d trials · %d pruned · %d failed · best %s · %s elapsed · ETA %s",
                "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, pruned, failed,
                best.isPresent() ? fmt(best.getAsDouble()) : "–", clock(elapsed), eta);
    }

    static String clock(Duration d) {
        long s = d.getSeconds();
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
                : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}

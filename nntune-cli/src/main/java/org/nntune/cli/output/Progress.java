package org.nntune.cli.output;

import java.io.Console;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Study progress for people: on a terminal, one live line redrawn in place, never wider than the
 * terminal ({@code $COLUMNS}, else 80), so that it never wraps
 * ({@code [#####.....] 12/30 · 3 pruned · 1 failed · best 0.9667 · 00:41 · ETA 01:02}); it is shown
 * as soon as the study starts, and the ETA counts only this run's trials. Otherwise (a pipe, a log
 * file, CI) a plain log line per finished trial.
 */
public final class Progress {
    /** How progress is shown. */
    public enum Mode { BAR, PLAIN, NONE }

    private static final int WIDTH = 20;
    private final PrintWriter out;
    private final Mode mode;
    private final int columns;
    private int lastLength;

    public Progress(PrintWriter out, Mode mode) {
        this(out, mode, terminalColumns());
    }

    Progress(PrintWriter out, Mode mode, int columns) {
        this.out = out;
        this.mode = mode;
        this.columns = columns;
    }

    /** The terminal's width from {@code $COLUMNS} (shells export it on request), else 80. */
    static int terminalColumns() {
        String c = System.getenv("COLUMNS");
        try {
            return c == null ? 80 : Math.max(20, Integer.parseInt(c.trim()));
        } catch (NumberFormatException e) {
            return 80;
        }
    }

    /** Shows the state before the first trial of this run ends. */
    public synchronized void start(int done, int total) {
        start(done, total, null);
    }

    /**
     * Shows the state before the first trial of this run ends, with {@code runLine} (when not null)
     * saying what the run is instead of {@code running trials A to B…}: a line of its own, above the
     * bar on a terminal.
     */
    public synchronized void start(int done, int total, String runLine) {
        switch (mode) {
            case NONE -> { }
            case PLAIN -> {
                if (done < total) {
                    out.println(runLine != null ? runLine : String.format(Locale.ROOT, "running trials %d to %d…", done + 1, total));
                    out.flush();
                }
            }
            case BAR -> {
                if (runLine != null && done < total) {
                    out.println(runLine);
                }
                draw(barLine(done, total, 0, 0, OptionalDouble.empty(), Duration.ZERO, 0, columns - 1));
            }
        }
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
                                    int doneThisRun, int trialNumber, String state, OptionalDouble value) {
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
            case BAR -> draw(barLine(done, total, pruned, failed, best, elapsed, doneThisRun, columns - 1));
        }
    }

    private void draw(String line) {
        StringBuilder sb = new StringBuilder("\r").append(line);
        if (line.length() < lastLength) {
            sb.append(" ".repeat(lastLength - line.length()));
        }
        lastLength = line.length();
        out.print(sb);
        out.flush();
    }

    /**
     * The time-budget mode's progress: the phase ({@code search} or {@code refit}) against the
     * clock, e.g. {@code [########............] search 00:41/01:00 · trial 12 complete 0.91 after 9
     * epochs · best 0.93}. A plain log line per call otherwise.
     *
     * @param detail what just happened (the last trial, or the refit's epoch)
     */
    public synchronized void phase(String phase, Duration elapsed, Duration total, String detail, OptionalDouble best) {
        switch (mode) {
            case NONE -> { }
            case PLAIN -> {
                out.printf(Locale.ROOT, "%s · %s · %s of %s · best %s%n", phase, detail, clock(elapsed), clock(total),
                        best.isPresent() ? fmt(best.getAsDouble()) : "–");
                out.flush();
            }
            case BAR -> draw(phaseLine(phase, elapsed, total, detail, best, columns - 1));
        }
    }

    /** The time-budget bar, at most {@code max} characters: the detail goes first, then the best value. */
    static String phaseLine(String phase, Duration elapsed, Duration total, String detail, OptionalDouble best, int max) {
        double f = total.isZero() ? 1 : Math.min(1, (double) elapsed.toMillis() / total.toMillis());
        int filled = (int) Math.round(WIDTH * f);
        String[] parts = {
                "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + phase + " " + clock(elapsed) + "/" + clock(total),
                "best " + (best.isPresent() ? fmt(best.getAsDouble()) : "–"),
                detail};
        boolean[] keep = {true, true, true};
        for (int k = parts.length - 1; k > 0 && join(parts, keep).length() > max; k--) {
            keep[k] = false;
        }
        String line = join(parts, keep);
        return line.length() > max ? line.substring(0, Math.max(0, max)) : line;
    }

    /** Ends the live line so that what follows starts on a fresh line. */
    public synchronized void finish() {
        if (mode == Mode.BAR && lastLength > 0) {
            out.println();
            out.flush();
            lastLength = 0;
        }
    }

    /**
     * The bar's line, at most {@code max} characters: the least useful parts are left out first.
     *
     * @param doneThisRun trials the study finished in {@code elapsed}, by this run and any other worker (the ETA's rate)
     */
    static String barLine(int done, int total, int pruned, int failed, OptionalDouble best, Duration elapsed, int doneThisRun,
                          int max) {
        int filled = total <= 0 ? 0 : (int) Math.min(WIDTH, Math.round(WIDTH * (double) done / total));
        String eta = "–";
        if (doneThisRun > 0 && total > done) {
            eta = clock(elapsed.multipliedBy(total - done).dividedBy(doneThisRun));
        } else if (done >= total) {
            eta = "00:00";
        }
        String bar = "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + done + "/" + total;
        String[] parts = {
                bar,
                "best " + (best.isPresent() ? fmt(best.getAsDouble()) : "–"),
                clock(elapsed) + " elapsed",
                "ETA " + eta,
                pruned + " pruned",
                failed + " failed"};
        // drop from the end of the order of importance until it fits
        int[] importance = {0, 1, 3, 5, 2, 4};
        boolean[] keep = new boolean[parts.length];
        java.util.Arrays.fill(keep, true);
        for (int k = importance.length - 1; k > 0 && join(parts, keep).length() > max; k--) {
            keep[importance[k]] = false;
        }
        String line = join(parts, keep);
        return line.length() > max ? line.substring(0, Math.max(0, max)) : line;
    }

    private static String join(String[] parts, boolean[] keep) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (keep[i]) {
                sb.append(sb.length() == 0 ? "" : " · ").append(parts[i]);
            }
        }
        return sb.toString();
    }

    /** mm:ss (h:mm:ss from an hour on). */
    public static String clock(Duration d) {
        long s = d.getSeconds();
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
                : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }

    /** A score with four significant digits. */
    public static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}

package org.nntune.cli.exit;

/** nntune's documented exit codes. */
public final class ExitCode {
    private ExitCode() {}

    /** Success. */
    public static final int OK = 0;
    /** Anything not listed below (an internal error, a failed write…). */
    public static final int OTHER = 1;
    /** A usage error or a bad study file. */
    public static final int USAGE = 2;
    /** Data that cannot be read: a missing file or column, a bad CSV or IDX file. */
    public static final int DATA = 3;
    /** A storage that cannot be opened or used, an unknown study, or a study nntune cannot read. */
    public static final int STORAGE = 4;
    /** Interrupted (Ctrl-C); the study is consistent and can be resumed. */
    public static final int INTERRUPTED = 130;
}

package org.nntune.cli;

import org.nntune.cli.command.BestCommand;
import org.nntune.cli.command.CopyCommand;
import org.nntune.cli.command.DashboardCommand;
import org.nntune.cli.command.DeleteCommand;
import org.nntune.cli.command.ExportCommand;
import org.nntune.cli.command.InitCommand;
import org.nntune.cli.command.K8sCommand;
import org.nntune.cli.command.PredictCommand;
import org.nntune.cli.command.ReportCommand;
import org.nntune.cli.command.StudiesCommand;
import org.nntune.cli.command.TrialsCommand;
import org.nntune.cli.command.TuneCommand;
import org.nntune.cli.command.WorkerCommand;
import org.nntune.cli.exit.CliException;
import org.nntune.cli.exit.ExitCode;
import org.nntune.cli.studyfile.StudyFileException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * The {@code nntune} command. Help goes to standard output, errors to standard error, and the
 * exit code says what went wrong: {@link ExitCode}.
 */
@Command(name = "nntune", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Train neural networks and tune their hyperparameters.",
        footer = {"", "Exit codes: 0 success, 1 other error, 2 usage or study file, 3 data, 4 storage, 130 interrupted."})
public final class Main implements Callable<Integer> {

    /** The commands, in the order the help lists them. */
    static final java.util.List<Class<?>> COMMANDS = java.util.List.of(InitCommand.class, TuneCommand.class, StudiesCommand.class, TrialsCommand.class,
            BestCommand.class, PredictCommand.class, ExportCommand.class, ReportCommand.class, DashboardCommand.class,
            WorkerCommand.class, K8sCommand.class, CopyCommand.class, DeleteCommand.class, CommandLine.HelpCommand.class);

    /** Held so the level set on it stays (the logging framework keeps loggers weakly). */
    private static final java.util.logging.Logger NNTUNE_LOG = java.util.logging.Logger.getLogger("org.nntune");
    /**
     * The library's WARNING per failed trial (with its stack trace): the CLI says "trial N failed: …" itself, so
     * only with --verbose (held, as {@link #NNTUNE_LOG}).
     */
    private static final java.util.logging.Logger FAILED_TRIALS_LOG =
            java.util.logging.Logger.getLogger(org.nntune.tune.study.Study.FAILED_TRIALS_LOGGER);

    static {
        // nntune's own log lines in its one-line style on stderr ("nntune: warning: …"), not the JDK's two-line
        // record with a date and a class name
        java.util.logging.Handler handler = new java.util.logging.StreamHandler(System.err, new OneLine()) {
            @Override
            public synchronized void publish(java.util.logging.LogRecord record) {
                super.publish(record);
                flush();
            }

            /**
             * Flushes only: the logging framework's shutdown hook closes its handlers, and closing this one
             * would close System.err under the shutdown hook that prints the resume command (SIGTERM, Ctrl-C).
             */
            @Override
            public synchronized void close() {
                flush();
            }
        };
        handler.setLevel(java.util.logging.Level.ALL);
        NNTUNE_LOG.addHandler(handler);
        NNTUNE_LOG.setUseParentHandlers(false);
    }

    /** A log record as one line: {@code nntune: warning: MESSAGE} (a stack trace follows only with --verbose). */
    static final class OneLine extends java.util.logging.Formatter {
        @Override
        public String format(java.util.logging.LogRecord r) {
            int level = r.getLevel().intValue();
            String kind = level >= java.util.logging.Level.SEVERE.intValue() ? "error: "
                    : level >= java.util.logging.Level.WARNING.intValue() ? "warning: " : "";
            String message = formatMessage(r);
            // "nntune kernels: …" says whose line it is already
            StringBuilder sb = new StringBuilder(kind.isEmpty() && message.startsWith("nntune") ? "" : "nntune: " + kind)
                    .append(message).append(System.lineSeparator());
            if (r.getThrown() != null && NNTUNE_LOG.isLoggable(java.util.logging.Level.INFO)) { // --verbose
                java.io.StringWriter trace = new java.io.StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(trace));
                sb.append(trace);
            }
            return sb.toString();
        }
    }

    @Spec
    CommandSpec spec;

    @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean verbose;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCode.USAGE;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(run(out, err, args));
    }

    /** Runs a command line with the given writers (tests call this in-process) and returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        // nntune's own informational log lines (which kernels run, …) only with --verbose (nntune-spark
        // reads this level too: Spark's own log, through log4j2, is shown only when it is INFO)
        // the libraries' logging (HikariCP, the database drivers, through slf4j-simple) only with --verbose:
        // without it the terminal shows nntune's own one-line messages. A level set with -D wins.
        boolean verboseRun = java.util.Arrays.asList(args).contains("--verbose");
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verboseRun ? "info" : "off");
        }
        NNTUNE_LOG.setLevel(
                java.util.Arrays.asList(args).contains("--verbose") ? java.util.logging.Level.INFO : java.util.logging.Level.WARNING);
        FAILED_TRIALS_LOG.setLevel(verboseRun ? java.util.logging.Level.WARNING : java.util.logging.Level.OFF);
        CommandLine cl = commandLine(args);
        cl.setOut(out);
        cl.setErr(err);
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            // an Error passes picocli's handler; the trial that ran out is already stored as failed
            err.println(outOfMemory(e, Runtime.getRuntime().maxMemory()));
            if (verboseRun) {
                e.printStackTrace(err);
            }
            err.flush();
            return ExitCode.OTHER;
        }
    }

    /** The one line for a run out of memory: what happened, the heap it had, and the two ways out. */
    static String outOfMemory(OutOfMemoryError e, long maxHeapBytes) {
        return "nntune: error: out of memory (" + (e.getMessage() == null ? "OutOfMemoryError" : e.getMessage())
                + ", the JVM's heap is at most " + (maxHeapBytes >> 20) + " MiB): a network or a data set too large for it;"
                + " a trial that was running is stored as failed and the study's other trials are kept. Make the network"
                + " smaller (units, layers, filters, batch_size) or give the JVM more heap, e.g. NNTUNE_JAVA_OPTS=-Xmx8g"
                + " bin/nntune …; then run the same command again to resume";
    }

    /**
     * The command line for {@code args}: when the first argument names a command, only that command
     * is built (picocli reads every option of every command it is given by reflection, a good part of
     * a short command's start); otherwise (help, a mistyped command, a global option first) all of them.
     */
    static CommandLine commandLine(String... args) {
        CommandLine cl = new CommandLine(new Main());
        Class<?> only = args.length == 0 ? null : COMMANDS.stream()
                .filter(c -> c != CommandLine.HelpCommand.class && c.getAnnotation(Command.class).name().equals(args[0]))
                .findFirst().orElse(null);
        for (Class<?> c : only != null ? java.util.List.<Class<?>>of(only) : COMMANDS) {
            cl.addSubcommand(c);
        }
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // a usage mistake is one line and where to read more, not the line buried under the command's whole help
        cl.setParameterExceptionHandler((ex, arguments) -> {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println("nntune: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("see " + cmd.getCommandSpec().qualifiedName() + " --help");
            err.flush();
            return ExitCode.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            boolean verbose = parseResult.originalArgs().contains("--verbose");
            PrintWriter err = commandLine.getErr();
            int code = exitCodeOf(ex);
            // a driver's message may quote a URL: no password reaches the terminal, whoever wrote the message
            String message = org.nntune.storage.StorageUrl.mask(
                    ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage());
            if (code == ExitCode.OTHER) {
                err.println("nntune: error: " + message + (verbose ? "" : " (run with --verbose for details)"));
            } else {
                // several mistakes of a study file: one line each, each as a single one would be
                for (String line : message.split("\n", -1)) {
                    err.println("nntune: " + line);
                }
            }
            if (verbose) {
                ex.printStackTrace(err);
            }
            err.flush();
            return code;
        });
        return cl;
    }

    static int exitCodeOf(Throwable ex) {
        if (ex instanceof CliException c) {
            return c.exitCode();
        }
        if (ex instanceof StudyFileException) {
            return ExitCode.USAGE;
        }
        if (ex instanceof org.nntune.storage.StorageException || ex instanceof org.nntune.storage.UnreadableStudyException) {
            return ExitCode.STORAGE;
        }
        if (ex instanceof UncheckedIOException) {
            return ExitCode.OTHER;
        }
        return ExitCode.OTHER;
    }
}

package org.nntune.cli.command;

import org.nntune.cli.exit.CliException;
import org.nntune.cli.exit.ExitCode;
import org.nntune.cli.output.Progress;
import org.nntune.cli.run.ShellWords;
import org.nntune.cli.run.StudyRun;
import org.nntune.cli.studyfile.DidYouMean;
import org.nntune.cli.studyfile.StudyDraft;
import org.nntune.cli.studyfile.StudyFile;
import org.nntune.nn.data.CsvProfile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "init", mixinStandardHelpOptions = true, description = {
        "Draft a study file for a CSV of your own, then check it as tune --dry-run does.",
        "Reads every row: the label's classes (text, or up to 20 distinct integers that repeat) or numbers (regression); each"
                + " other column as numbers, categories (one-hot), a text read as words (an LSTM/GRU classifier, when the text is"
                + " the only candidate feature), or no feature (an id or row number, a name, a date, an empty or constant column,"
                + " one-off notes, an unnamed column, a copy of the label: data.ignore). Each choice is a comment in the file."})
public final class InitCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CSV", description = "The data: a CSV file with a header line (plain or .gz).")
    Path csv;

    @Option(names = "--label", paramLabel = "COLUMN", description = "The column to predict (default: the last column).")
    String label;

    @Option(names = "--task", paramLabel = "TASK", description = "classification or regression (default: from the label's values).")
    String task;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "The study file to write (default: the CSV's name with"
            + " .yaml, beside it).")
    Path output;

    @Option(names = "--separator", paramLabel = "C", description = "The field separator (default: the one of , ; tab | that splits"
            + " the header into the most columns).")
    String separator;

    @Option(names = "--trials", paramLabel = "N", description = "budget.trials of the study (default: 30).")
    int trials = 30;

    @Option(names = "--force", description = "Replace the study file if it exists.")
    boolean force;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (trials < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--trials must be at least 1, got " + trials);
        }
        Optional<Boolean> classify = Optional.empty();
        if (task != null) {
            if (!task.equals("classification") && !task.equals("regression")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--task must be classification or regression, got '"
                        + task + "'");
            }
            classify = Optional.of(task.equals("classification"));
        }
        if (!Files.isRegularFile(csv)) {
            throw new CliException(ExitCode.DATA, Files.isDirectory(csv) ? csv + " is a folder; expected a CSV file"
                    : "no file " + csv);
        }
        Path file = output != null ? output : csv.resolveSibling(baseName(csv) + ".yaml");
        if (Files.exists(file) && !force) {
            throw new CliException(ExitCode.USAGE, file + " exists already; pass --force to replace it, or --output another file");
        }
        CsvProfile profile;
        try {
            profile = separator != null ? CsvProfile.of(csv, separatorOption()) : CsvProfile.of(csv);
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new CliException(ExitCode.DATA, e.getMessage(), e);
        }
        char sep = profile.separator();
        String labelColumn = label != null ? label : profile.names().get(profile.names().size() - 1);
        if (!profile.header() && labelColumn.matches("[0-9]+")) {
            labelColumn = "c" + labelColumn; // a file without a header: a column by its 0-based place
        }
        if (!profile.names().contains(labelColumn)) {
            String hint = DidYouMean.suggest(labelColumn, profile.names());
            throw new CliException(ExitCode.USAGE, "--label '" + labelColumn + "' is not a column of " + csv.getFileName()
                    + (hint.isEmpty() ? "" : "; " + hint) + " (its header's columns: " + String.join(", ", profile.names()) + ")");
        }
        if (profile.names().size() < 2) {
            throw new CliException(ExitCode.DATA, csv + " has one column ('" + labelColumn + "'); expected features and a label"
                    + " separated by '" + sep + "' (--separator to give another)");
        }
        Path folder = file.toAbsolutePath().getParent();
        String csvPath = folder.relativize(csv.toAbsolutePath()).toString().replace('\\', '/');
        StudyDraft draft;
        try {
            draft = StudyDraft.of(profile, csvPath, baseName(file), labelColumn, classify, sep, trials);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.DATA, csv.getFileName() + ": " + e.getMessage(), e);
        }
        try {
            Files.createDirectories(folder);
            org.nntune.tune.storage.AtomicFile.write(file, o -> o.write(draft.yaml(LocalDate.now().toString())
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new CliException(ExitCode.OTHER, "cannot write " + file + ": " + CliException.ioReason(e), e);
        }
        out.println("wrote " + file + ": " + draft.summary() + (label == null ? "; the label is the last column ('" + labelColumn
                + "'; --label to choose another)" : "") + (profile.header() ? "" : "; the first line is a row, not a header, so"
                + " columns are named c0, c1, … by their place"));
        draft.columns().stream().filter(c -> c.role() == StudyDraft.Role.IGNORED)
                .forEach(c -> out.println("  no feature: " + c.shown() + " (" + c.why() + ")"));
        out.println("checking it as tune --dry-run does:");
        out.flush();
        StudyFile sf = TuneCommand.reader().read(file);
        StudyRun.Overrides none = new StudyRun.Overrides(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
        int code = new StudyRun(sf, none, out, Progress.Mode.NONE).dryRun();
        if (code == ExitCode.OK) {
            out.println("next: nntune tune " + ShellWords.word(file.toString()));
        }
        return code;
    }

    private static String baseName(Path p) {
        String n = p.getFileName().toString();
        for (String ext : new String[] {".gz", ".csv", ".tsv", ".txt", ".yaml", ".yml"}) {
            if (n.toLowerCase(java.util.Locale.ROOT).endsWith(ext)) {
                n = n.substring(0, n.length() - ext.length());
            }
        }
        return n.isEmpty() ? "study" : n;
    }

    private char separatorOption() {
        String s = separator.equals("\\t") || separator.equalsIgnoreCase("tab") ? "\t" : separator;
        if (s.length() != 1 || s.equals("\"") || s.equals("\n")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--separator must be one character (tab as \\t), got '"
                    + separator + "'");
        }
        return s.charAt(0);
    }
}

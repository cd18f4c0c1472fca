package org.nntune.cli.command;

import org.nntune.cli.exit.CliException;
import org.nntune.cli.exit.ExitCode;
import picocli.CommandLine.Option;

import java.util.Optional;

/**
 * The {@code --storage URL} option shared by the commands that read studies. Without it, a study
 * file given as STUDY names its own storage (its {@code storage:} key, or the SQLite file beside
 * it), and otherwise the {@code NNTUNE_STORAGE} environment variable is used. Opening it is
 * {@link org.nntune.cli.run.CliStorage}'s.
 */
public final class StorageOption {

    @Option(names = {"-s", "--storage"}, paramLabel = "URL",
            description = "Storage URL: sqlite:FILE.db (relative, or sqlite:/abs/path.db), sqlite:///rel/path.db or sqlite:////abs/path.db "
                    + "(SQLAlchemy's form: three slashes relative, four absolute), postgresql://user@host:5432/db, mysql://user@host/db or jdbc:…; "
                    + "with the prefix optuna+ (optuna+sqlite:///FILE.db, optuna+postgresql://…) in Optuna's own tables (default: the study file's storage, or $NNTUNE_STORAGE). "
                    + "PostgreSQL commits with synchronous_commit=off (a crash of the database server may lose its last fraction of a second of commits)"
                    + " unless the URL ends in ?synchronous_commit=on")
    String url;

    /** The URL to use for a study given by name or by study file. */
    public String resolve(Optional<String> fromStudyFile) {
        if (url != null) {
            return url;
        }
        if (fromStudyFile.isPresent()) {
            return fromStudyFile.get();
        }
        String env = System.getenv("NNTUNE_STORAGE");
        if (env != null && !env.isBlank()) {
            return env;
        }
        throw new CliException(ExitCode.USAGE, "no storage given: pass --storage URL (e.g. --storage sqlite:iris.db), "
                + "give a study file instead of a study name, or set NNTUNE_STORAGE");
    }
}

package org.nntune.cli.command;

import org.nntune.cli.exit.CliException;
import org.nntune.cli.exit.ExitCode;
import org.nntune.storage.StorageException;

/** Turns exceptions of storage use into exit-code-carrying ones (closing a storage may throw a checked Exception). */
final class CommandErrors {
    private CommandErrors() {}

    static RuntimeException rethrow(Exception e) {
        if (e instanceof StorageException se) {
            return new CliException(ExitCode.STORAGE, "storage error: " + se.getMessage(), se);
        }
        if (e instanceof org.nntune.tune.storage.IncompleteCopyException ic) {
            // found below the command's own check (a copy that began meanwhile): the storage's words
            return new CliException(ExitCode.STORAGE, ic.getMessage(), ic);
        }
        if (e instanceof RuntimeException re) {
            return re;
        }
        return new CliException(ExitCode.OTHER, e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
}

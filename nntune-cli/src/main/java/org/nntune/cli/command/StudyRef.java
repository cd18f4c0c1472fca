package org.nntune.cli.command;

import org.nntune.cli.exit.CliException;
import org.nntune.cli.exit.ExitCode;
import org.nntune.cli.run.CliStorage;
import org.nntune.cli.studyfile.StudyFileReader;
import org.nntune.cli.studyfile.YNode;
import org.nntune.cli.studyfile.YamlReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A study named on the command line: by name (with --storage) or by its study file, whose
 * {@code study:} and {@code storage:} keys (or file name and default SQLite file) say where it is.
 */
public record StudyRef(String url, String name) {

    public static StudyRef of(String study, StorageOption storage) {
        return of(study, storage, (StudyNameOption) null);
    }

    /**
     * @param studyName {@code --study NAME}: the study of that name in the study file's storage
     *     (null: the file's own study); refused with a study name
     */
    public static StudyRef of(String study, StorageOption storage, StudyNameOption studyName) {
        String other = studyName == null ? null : studyName.name;
        if (other != null && other.isBlank()) {
            throw new CliException(ExitCode.USAGE, "--study: a study name must not be empty");
        }
        if (other != null && !CliStorage.isStudyFile(study)) {
            throw new CliException(ExitCode.USAGE, "--study NAME goes with a study file (the study of that name in the file's storage),"
                    + " but " + study + " is " + (CliStorage.namesStudyFile(study) ? "no such study file" : "a study name")
                    + ": give the study file, or the study's name alone (with --storage URL)");
        }
        StudyRef ref = named(study, storage);
        return other == null ? ref : new StudyRef(ref.url(), other);
    }

    private static StudyRef named(String study, StorageOption storage) {
        if (!CliStorage.isStudyFile(study)) {
            if (storage.url == null && CliStorage.namesStudyFile(study)) {
                // a mistyped study file, not a study name without its storage
                throw new CliException(ExitCode.USAGE, study + ": no such study file (a study name needs --storage URL)");
            }
            return new StudyRef(storage.resolve(Optional.empty()), study);
        }
        Path file = Path.of(study);
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        YNode root = YamlReader.read(study, text);
        String stem = file.getFileName().toString().replaceFirst("\\.(ya?ml)$", "");
        String name = scalar(root, "study").orElse(stem);
        // where tune put it: a relative SQLite path is relative to the study file (a malformed URL is left for the opening to report)
        Optional<String> fileStorage = scalar(root, "storage").map(url -> {
            try {
                return StudyFileReader.storageBeside(url, file.toAbsolutePath().getParent());
            } catch (IllegalArgumentException e) {
                return url;
            }
        }).or(() -> Optional.of(CliStorage.defaultFor(file)));
        return new StudyRef(storage.resolve(fileStorage), name);
    }

    private static Optional<String> scalar(YNode root, String key) {
        if (root instanceof YNode.YMap m && m.entries().get(key) != null
                && m.entries().get(key).value() instanceof YNode.YScalar s && !s.isNull()) {
            return Optional.of(s.text());
        }
        return Optional.empty();
    }
}

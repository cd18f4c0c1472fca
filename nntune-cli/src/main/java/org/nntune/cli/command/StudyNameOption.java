package org.nntune.cli.command;

import picocli.CommandLine.Option;

/**
 * The {@code --study NAME} option of the commands that read a study given by its study file
 * ({@code trials}, {@code best}, {@code report}, {@code dashboard}, {@code delete}): the study of that
 * name in the file's storage, as {@code tune FILE --study NAME} ran it, instead of the file's own
 * study. (tune suggested {@code --study NEW-NAME}, and then {@code trials FILE --study NEW-NAME} was an
 * unknown option.)
 */
public final class StudyNameOption {

    @Option(names = "--study", paramLabel = "NAME", description = "With a study file: the study of this name in the file's"
            + " storage (as 'nntune tune FILE --study NAME' ran it) instead of the file's own study.")
    String name;
}

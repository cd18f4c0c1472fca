package org.nntune.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * BENCHMARKS-LOG.md: every run is appended, never rewritten, so the history of a figure stays
 * readable; BENCHMARKS.md holds the current figure of each target, taken from it.
 */
public final class BenchmarksFile {
    static final String HEADER = "# nntune benchmark log\n\n"
            + "Every measurement, oldest first: each section is one run, side by side with its reference, by the"
            + " command quoted with it (see nntune-bench/README.md). The current figure of every target is in"
            + " BENCHMARKS.md. Ratios are of medians; machines are noisy, so compare ratios from one run, not"
            + " figures across runs.\n\n";

    private BenchmarksFile() {}

    public static void append(Path file, String section) throws IOException {
        if (!Files.exists(file)) {
            Files.writeString(file, HEADER, StandardCharsets.UTF_8);
        }
        Files.writeString(file, "\n" + section, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}

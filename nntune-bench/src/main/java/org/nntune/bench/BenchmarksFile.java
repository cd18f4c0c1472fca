package org.nntune.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** BENCHMARKS.md: figures are appended, never rewritten, so the history of a figure stays readable. */
public final class BenchmarksFile {
    static final String HEADER = "# nntune benchmarks\n\n"
            + "Every figure here was measured side by side with its reference in one run, by the command"
            + " quoted with it (see nntune-bench/README.md). Ratios are of medians; machines are noisy, so"
            + " compare ratios from one run, not figures across runs.\n\n";

    private BenchmarksFile() {}

    public static void append(Path file, String section) throws IOException {
        if (!Files.exists(file)) {
            Files.writeString(file, HEADER, StandardCharsets.UTF_8);
        }
        Files.writeString(file, "\n" + section, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}

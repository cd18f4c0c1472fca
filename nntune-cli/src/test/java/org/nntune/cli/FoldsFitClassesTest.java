package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Stratified folds that the smallest class cannot fill are refused at the folds line, before any trial (--dry-run too). */
class FoldsFitClassesTest {
    private static String iris(String validation) {
        return CliTest.IRIS.replace("validation: {method: holdout, fraction: 0.25}", validation);
    }

    @Test
    void moreStratifiedFoldsThanTheSmallestClassHasTrainingRowsIsRefusedAtFolds(@TempDir Path dir) throws Exception {
        // bundled iris: 120 training rows, 40 of each class
        CliTest.Result r = CliTest.tuneWith(dir, iris("validation:\n  method: stratified_kfold\n  folds: 60"), "--dry-run");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("s.yaml, line 8, key 'validation.folds': 60 stratified folds need at least 60 training rows"
                + " of each class, but class").contains("has 40").contains("folds: 2 to 40");
        CliTest.Result fits = CliTest.tuneWith(dir, iris("validation: {method: stratified_kfold, folds: 40}"), "--dry-run");
        assertThat(fits.code()).as(fits.err()).isZero();
    }
}

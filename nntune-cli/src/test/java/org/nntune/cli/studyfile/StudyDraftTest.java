package org.nntune.cli.studyfile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.nn.data.CsvProfile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** The roles, label comment, metric, folds and missing-value policy {@code nntune init} drafts from messy files. */
class StudyDraftTest {
    @TempDir
    Path dir;

    /** A draft of a CSV whose rows {@code row(i)} writes, label {@code label}. */
    private StudyDraft draft(String header, int rows, IntFunction<String> row, String label) throws IOException {
        StringBuilder sb = new StringBuilder(header).append('\n');
        for (int i = 0; i < rows; i++) {
            sb.append(row.apply(i)).append('\n');
        }
        Path f = dir.resolve("d.csv");
        Files.writeString(f, sb.toString());
        return StudyDraft.of(CsvProfile.of(f, ','), "d.csv", "d", label, Optional.empty(), ',', 10);
    }

    private static String x(Random r) {
        return String.format(Locale.ROOT, "%.3f", r.nextGaussian());
    }

    private static StudyDraft.Role role(StudyDraft d, String column) {
        return d.columns().stream().filter(c -> c.name().equals(column)).findFirst().orElseThrow().role();
    }

    @Test
    void rowNumbersAreIdsWhateverTheirNameAndAnUnnamedColumnIsNeverAFeature() throws IOException {
        Random r = new Random(1);
        // pandas' index (empty name), a 1..n run, a rising number, and noise; the label sorted as exports often are
        StudyDraft d = draft(",sample,Record,x,label", 150, i -> i + "," + (i + 1) + "," + (1000 + 7 * i) + "," + x(r) + ","
                + (char) ('a' + i / 50), "label");
        for (String id : new String[] {"", "sample", "Record"}) {
            assertThat(role(d, id)).as(id).isEqualTo(StudyDraft.Role.IGNORED);
        }
        assertThat(role(d, "x")).isEqualTo(StudyDraft.Role.NUMBER);
        String yaml = d.yaml("today");
        assertThat(yaml).contains("  ignore: [\"\", sample, Record]\n")
                .contains("  #   \"\" (no name): an id whatever its name: unique integers 0..149, one per row")
                .contains("  #   Record: an id whatever its name: unique integers 1000..2043 rising row by row")
                .contains("  # read as numbers: x\n");

        // an unnamed column of measurements is not read either
        StudyDraft named = draft(",x,label", 30, i -> x(r) + "," + x(r) + "," + (i % 2 == 0 ? "a" : "b"), "label");
        assertThat(named.yaml("today")).contains("  #   \"\" (no name): no name in the header (a saved index?); name it there to use it\n")
                .contains("  ignore: [\"\"]\n");
        // integers that neither run nor rise stay numbers
        StudyDraft counts = draft("n,label", 30, i -> (i * 7919 % 31) + "," + (i % 2 == 0 ? "a" : "b"), "label");
        assertThat(role(counts, "n")).isEqualTo(StudyDraft.Role.NUMBER);
    }

    @Test
    void aTextDistinctInEveryRowIsANameAtAnySize() throws IOException {
        String[] names = {"Anna", "Ben", "Cleo", "Dan", "Eva", "Finn", "Gus", "Hal", "Ida", "Jon"};
        Random r = new Random(2);
        StudyDraft d = draft("athlete,x,y", 10, i -> names[i] + "," + x(r) + "," + x(r), "y");
        assertThat(d.columns()).contains(new StudyDraft.Column("athlete", StudyDraft.Role.IGNORED,
                "a name or an id: 10 different values in 10 rows"));
    }

    @Test
    void aWordyColumnBesideOtherFeaturesIsNotTheWholeStudy() throws IOException {
        String[] words = "the a patient seen today follow up noted stable pain mild scan".split(" ");
        Random r = new Random(3);
        IntFunction<String> note = i -> {
            StringBuilder s = new StringBuilder();
            for (int w = 0; w < 8; w++) {
                s.append(w == 0 ? "" : " ").append(words[r.nextInt(words.length)]);
            }
            return s.toString();
        };
        StudyDraft d = draft("x,y,note,label", 60, i -> x(r) + "," + x(r) + "," + note.apply(i) + "," + (i % 2 == 0 ? "a" : "b"),
                "label");
        assertThat(d.textColumn()).isEmpty();
        assertThat(d.summary()).contains("from 2 columns of numbers (an MLP)");
        assertThat(d.yaml("today")).contains("  #   note: text, 8 words on average; not read beside the other features, as a text"
                + " study reads only its text and label; for one over its words instead, data.text: note and model family rnn\n")
                .contains("family: mlp");
        // alone, the text is the study
        StudyDraft alone = draft("note,label", 60, i -> note.apply(i) + "," + (i % 2 == 0 ? "a" : "b"), "label");
        assertThat(alone.textColumn()).contains("note");
    }

    @Test
    void aColumnThatSpellsTheLabelIsIgnored() throws IOException {
        Random r = new Random(4);
        StudyDraft d = draft("x,flag,kind,diagnosis", 80, i -> x(r) + "," + (i % 5 == 0 ? 1 : 0) + "," + (i % 3) + ","
                + (i % 5 == 0 ? "M" : "B"), "diagnosis");
        assertThat(d.columns()).contains(new StudyDraft.Column("flag", StudyDraft.Role.IGNORED, "determines the label in every row"
                + " (its 2 values match the classes one to one): a copy of it? remove it from ignore to use it anyway"));
        assertThat(role(d, "kind")).isEqualTo(StudyDraft.Role.NUMBER);
        // a grouping finer than the classes spells them too (spam-1, spam-2, easy-ham-1 ...); then the text is the study
        String[] groups = {"spam-1", "spam-2", "ham-1", "ham-2", "hard-ham"};
        StudyDraft spam = draft("text,group,label", 60, i -> "\"some words of mail number " + i + " here\"," + groups[i % 5] + ","
                + (i % 5 < 2 ? "spam" : "ham"), "label");
        assertThat(spam.columns()).contains(new StudyDraft.Column("group", StudyDraft.Role.IGNORED, "determines the label in every"
                + " row (each of its 5 values goes with one class): a copy of it? remove it from ignore to use it anyway"));
        assertThat(spam.textColumn()).contains("text");
        // a measurement with more values than classes is not a copy, though each value is pure
        // (iris' petal width splits setosa from versicolor)
        StudyDraft pure = draft("w,label", 60, i -> (i % 6) + "," + (i % 6 < 3 ? "a" : "b"), "label");
        assertThat(role(pure, "w")).isEqualTo(StudyDraft.Role.NUMBER);
    }

    @Test
    void constantsAndOneOffNotesAreNoFeatures() throws IOException {
        Random r = new Random(5);
        StudyDraft d = draft("batch,zero,notes,site,x,label", 140, i -> "v1,0," + (i % 3 == 0 ? "" : i % 2 == 0 ? "ok"
                : "\"seen " + i + ", twice\"") + ",s" + (i % 5) + "," + x(r) + "," + (i % 2 == 0 ? "a" : "b"), "label");
        assertThat(d.columns()).contains(new StudyDraft.Column("batch", StudyDraft.Role.IGNORED,
                "constant: one value in every row, no information"));
        assertThat(role(d, "zero")).isEqualTo(StudyDraft.Role.IGNORED);
        assertThat(role(d, "site")).isEqualTo(StudyDraft.Role.CATEGORY);
        assertThat(d.yaml("today")).contains("  #   notes: free text or one-off values: 47 of its 48 values occur in one row only; list"
                + " it in categorical to one-hot encode it anyway\n").contains("  categorical: [site]\n");
    }

    @Test
    void integersThatRarelyRepeatAreMeasurementsAndSmallClassesGetFewerFolds() throws IOException {
        int[] weight = {191, 189, 193, 162, 189, 182, 211, 167, 176, 154, 169, 166, 154, 247, 193, 202, 176, 157, 156, 138};
        Random r = new Random(6);
        StudyDraft w = draft("chins,Weight", 20, i -> x(r) + "," + weight[i], "Weight");
        assertThat(w.classification()).isFalse();
        assertThat(w.yaml("today")).contains("  label: Weight   # numbers: integers, 16 distinct in 20 rows: too few repeats for"
                + " classes, so regression; --task classification if they are codes\n");
        // grades 1..5 in 150 rows stay classes
        assertThat(draft("x,grade", 150, i -> x(r) + "," + (i % 5 + 1), "grade").classification()).isTrue();

        // 2 rows of a class: 1 after the test split, so holdout, as the dry run would refuse 3 folds
        StudyDraft rare = draft("x,species", 102, i -> x(r) + "," + (i < 50 ? "setosa" : i < 100 ? "versicolor" : "virginica"),
                "species");
        assertThat(rare.yaml("today")).contains("validation: {method: holdout, fraction: 0.2}   # class virginica has 2 rows, 1 after"
                + " the test split: too few for stratified folds\n");
        StudyDraft three = draft("x,species", 103, i -> x(r) + "," + (i < 50 ? "setosa" : i < 100 ? "versicolor" : "virginica"),
                "species");
        assertThat(three.yaml("today")).contains("validation: {method: stratified_kfold, folds: 2}   # small data: every row validates"
                + " once; 2 folds, as class virginica has 3 rows, 2 after the test split\n");
        StudyDraft single = draft("x,code", 61, i -> x(r) + "," + (i == 60 ? 9 : i % 3), "code");
        assertThat(single.yaml("today")).contains("  label: code   # 4 classes: 0 20 (33 %), 1 20 (33 %), 2 20 (33 %), 9 1 (2 %); 9 has a single row, too few to learn and test (a measurement rather than classes?"
                + " --task regression)");
    }

    @Test
    void classCountsAreSaidAndARareClassMakesTheMetricBalanced() throws IOException {
        Random r = new Random(7);
        StudyDraft d = draft("x,diagnosis", 377, i -> x(r) + "," + (i < 357 ? "B" : "M"), "diagnosis");
        String yaml = d.yaml("today");
        assertThat(yaml).contains("  label: diagnosis   # 2 classes: B 357 (95 %), M 20 (5 %)\n")
                .contains("metric: balanced_accuracy   # class M has 20 of 377 rows (5 %), under half of an even 1/2 share:"
                        + " accuracy would reward always answering B\n");
        StudyDraft even = draft("x,kind", 90, i -> x(r) + "," + (i % 3 == 0 ? "\"a, b\"" : i % 3 == 1 ? "c" : "d"), "kind");
        assertThat(even.yaml("today")).contains("# 3 classes: \"a, b\" 30 (33 %), c 30 (33 %), d 30 (33 %)\n")
                .contains("metric: accuracy   #");
    }

    @Test
    void spreadsheetDatesAreNoFeature() throws IOException {
        Random r = new Random(9);
        StudyDraft d = draft("us_date,eu_date,x,species", 90, i -> String.format(Locale.ROOT, "%02d/%02d/2023,%d.%d.2023,", i % 3 + 1,
                i % 28 + 1, i % 28 + 1, i % 3 + 1) + x(r) + "," + (i % 2 == 0 ? "a" : "b"), "species");
        assertThat(d.columns()).contains(new StudyDraft.Column("us_date", StudyDraft.Role.IGNORED,
                "dates: day, month and year as spreadsheets write them"));
        assertThat(role(d, "eu_date")).isEqualTo(StudyDraft.Role.IGNORED);
    }

    @Test
    void dropSaysEveryRowItDrops() throws IOException {
        Random r = new Random(8);
        // 8 rows without a label; 20 more without x (5 of them also unlabelled)
        StudyDraft d = draft("x,y,notes,label", 140, i -> (i % 7 == 0 ? "" : x(r)) + "," + x(r) + "," + (i % 2 == 0 ? "" : "n")
                + "," + (i % 17 == 3 ? "NA" : i % 2 == 0 ? "a" : "b"), "label");
        assertThat(d.yaml("today")).contains("  missing: drop   # 9 rows have no label (a label cannot be filled), and 19 more miss a"
                + " feature: 28 of 140 rows are dropped\n");
        // a feature missing wherever the label is present: nothing would be left
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> draft("x,label", 20, i -> i % 2 == 0 ? i + ".5,NA" : "NA,"
                + (i % 4 == 1 ? "a" : "b"), "label")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no row holds both the label 'label' and every feature (x), so missing: drop would keep none; fill the"
                        + " missing values or leave some of those columns out");
    }
}

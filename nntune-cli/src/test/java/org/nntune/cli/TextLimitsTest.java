package org.nntune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.nn.data.TokenLimit;
import org.nntune.nn.layer.Embedding;
import org.nntune.nn.model.Sequential;
import org.nntune.storage.Storages;
import org.nntune.tune.storage.Storage;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A text model's {@code max_length} and {@code vocab_size} that the space does not name follow the
 * data (at most the encoder's max length and its vocabulary, padding and unknown included), in
 * every network the study builds — its trials, best.model, the parameters written, the refit of
 * {@code best --model} — and as the space summary says; the space's defaults (200, 20,000) would
 * build an embedding of rows no token id reaches.
 */
class TextLimitsTest {

    /** 30 distinct words; 10 texts of each class. */
    static final String CSV = "text,label\n" + ("very nice good was is a love movie,pos\n"
            + "quite the worst poor really terrible the is,neg\n"
            + "and fun great film best lovely superb enjoyed,pos\n"
            + "awful hate boring sad dull bad waste dire,neg\n").repeat(5);

    /** The texts' 30 words, padding and unknown. */
    static final int IDS = 32;

    private static Path study(Path dir, String dataKeys, String spaceKeys) throws Exception {
        Files.writeString(dir.resolve("t.csv"), CSV);
        Path file = dir.resolve("t.yaml");
        Files.writeString(file, """
                study: t
                seed: 1
                data: {csv: t.csv, text: text, label: label, min_count: 1, test_fraction: 0%s}
                validation: {method: holdout, fraction: 0.25}
                model:
                  family: rnn
                  space: {cell: gru, embedding: 4, hidden_size: 4, lr: 0.01, epochs: 1%s}
                budget: {trials: 1}
                """.formatted(dataKeys, spaceKeys));
        return file;
    }

    private static int embeddingRows(Path model) throws Exception {
        Sequential m = Sequential.load(model);
        return ((Embedding) m.layers().get(0)).vocabulary();
    }

    @Test
    void unnamedLimitsFollowTheDataInTheSummaryTheParamsTheModelAndTheRefit(@TempDir Path dir) throws Exception {
        Path file = study(dir, ", max_length: 20, vocab_size: 100", "");
        CliTest.Result tuned = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(tuned.code()).as(tuned.err()).isZero();
        assertThat(tuned.out()).contains("max_length*=20 (data.max_length)",
                "vocab_size*=" + IDS + " (the data's vocabulary, padding and unknown included)");
        JsonNode fixed = new ObjectMapper().readTree(dir.resolve("t-results/best-params.json").toFile()).get("fixed");
        assertThat(fixed.get("max_length").asInt()).isEqualTo(20);
        assertThat(fixed.get("vocab_size").asInt()).isEqualTo(IDS);
        Path best = dir.resolve("t-results/best.model");
        assertThat(embeddingRows(best)).isEqualTo(IDS);
        assertThat(Sequential.load(best).preprocessing()).isEqualTo(new TokenLimit(20, IDS, 20));

        Path refit = dir.resolve("refit.model");
        Path params = dir.resolve("p.json");
        CliTest.Result b = CliTest.run("best", "t", "--storage", "sqlite:" + dir.resolve("t.db"), "--model", refit.toString(),
                "--export", params.toString());
        assertThat(b.code()).as(b.err()).isZero();
        assertThat(embeddingRows(refit)).isEqualTo(IDS);
        assertThat(new ObjectMapper().readTree(params.toFile()).get("fixed").get("vocab_size").asInt()).isEqualTo(IDS);
    }

    @Test
    void withoutDataLimitsTheVocabularyIsTheWordsTheTextsHave(@TempDir Path dir) throws Exception {
        Path file = study(dir, "", "");
        CliTest.Result tuned = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(tuned.code()).as(tuned.err()).isZero();
        // data.max_length's default is the space's: 200 either way
        assertThat(tuned.out()).contains("vocab_size*=" + IDS + " (", "max_length*=200,");
        assertThat(embeddingRows(dir.resolve("t-results/best.model"))).isEqualTo(IDS);
    }

    /**
     * A population's members are networks of the same narrowed space; a population stored by an
     * earlier nntune (no token-limits attribute) keeps the file's space as it was, since its
     * checkpoints hold networks of it, and its best network is rebuilt so.
     */
    @Test
    void aPopulationsMembersFollowTheDataAndAnEarlierPopulationKeepsItsNetworks(@TempDir Path dir) throws Exception {
        Path file = study(dir, ", max_length: 20, vocab_size: 100", "");
        Files.writeString(file, Files.readString(file).replace("lr: 0.01, epochs: 1", "lr: {low: 0.001, high: 0.1, log: true},"
                + " epochs: 2").replace("budget: {trials: 1}", "sampler: {type: pbt, population: 2, interval: 1}"));
        CliTest.Result tuned = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(tuned.code()).as(tuned.out() + tuned.err()).isZero();
        assertThat(embeddingRows(dir.resolve("t-results/best.model"))).isEqualTo(IDS);

        String url = "sqlite:" + dir.resolve("t.db");
        try (Storage s = Storages.open(url)) {
            long id = s.findStudyId("t").getAsLong();
            assertThat(s.getStudySystemAttrs(id)).containsEntry("nntune:cli:token-limits-from-data", true);
        }
        // an earlier nntune's population: trained (here) with the file's space as it was, then stored without the attribute
        Path old = dir.resolve("old");
        Files.createDirectories(old);
        Files.writeString(old.resolve("t.csv"), CSV);
        Files.writeString(old.resolve("t.yaml"), Files.readString(file).replace("space: {", "space: {max_length: 200,"
                + " vocab_size: 20000, ").replace(", max_length: 20, vocab_size: 100", ""));
        assertThat(CliTest.run("tune", old.resolve("t.yaml").toString(), "--progress", "none").code()).isZero();
        String oldUrl = "sqlite:" + old.resolve("t.db");
        try (Storage s = Storages.open(oldUrl)) {
            long id = s.findStudyId("t").getAsLong();
            s.setStudySystemAttr(id, "nntune:cli:token-limits-from-data", false);
        }
        // the file as the earlier nntune read it: the limits not named, so the space's 200 and 20,000
        Files.writeString(old.resolve("t.yaml"), Files.readString(old.resolve("t.yaml")).replace("max_length: 200, vocab_size: 20000, ", ""));
        CliTest.Result resumed = CliTest.run("tune", old.resolve("t.yaml").toString(), "--progress", "none");
        assertThat(resumed.code()).as(resumed.out() + resumed.err()).isZero();
        assertThat(resumed.out()).contains("was started by an earlier nntune");
        assertThat(embeddingRows(old.resolve("t-results/best.model"))).isEqualTo(20_000);
    }

    @Test
    void namedLimitsAreTheFilesAndTheStoredSpaceIsTheFilesAsEarlierBuildsStoredIt(@TempDir Path dir) throws Exception {
        Path file = study(dir, ", max_length: 20, vocab_size: 100", ", max_length: 12, vocab_size: 50");
        CliTest.Result tuned = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(tuned.code()).as(tuned.err()).isZero();
        assertThat(tuned.out()).contains("max_length=12", "vocab_size=50");
        assertThat(embeddingRows(dir.resolve("t-results/best.model"))).isEqualTo(50);

        // a study stored by an earlier nntune holds the file's space as text, with the defaults; it still resumes
        Path other = study(dir, ", max_length: 20, vocab_size: 100", "");
        Files.writeString(file, Files.readString(other).replace("study: t", "study: u"));
        assertThat(CliTest.run("tune", file.toString(), "--progress", "none").code()).isZero();
        try (Storage s = Storages.open("sqlite:" + dir.resolve("t.db"))) {
            long id = s.findStudyId("u").getAsLong();
            assertThat((String) s.getStudySystemAttrs(id).get("nntune:cli:space")).contains("max_length=Fixed[value=200]",
                    "vocab_size=Fixed[value=20000]");
        }
        CliTest.Result resumed = CliTest.run("tune", file.toString(), "--progress", "none", "--trials", "2");
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("resuming: the study already has 1 finished trials of 2");
    }
}

package org.nntune.bench;

import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;
import org.nntune.nn.data.TextEncoder;
import org.nntune.nn.data.TextTable;
import org.nntune.nn.layer.Recurrent;
import org.nntune.nn.model.EpochResult;
import org.nntune.nn.model.FitOptions;
import org.nntune.nn.model.Sequential;
import org.nntune.nn.model.TrainingControl;
import org.nntune.nn.model.TrainingListener;
import org.nntune.nn.optim.Optimizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The text classifier of {@code torch_lstm_text.py} trained by nntune: the SpamAssassin corpus,
 * words (lower case, {@code [a-z0-9']+}), the first 200 tokens of each message, a vocabulary of
 * the 20,000 most frequent training words seen at least twice (0 padding, 1 unknown),
 * Embedding(V, 64, padding 0) → LSTM or GRU(64) over each message's real length → last state →
 * Dense(2), Adam lr 1e-3, batch 32, 3 epochs, shuffled; each epoch timed, test accuracy after the
 * last. The split is nntune's stratified 20 % (seed 42); {@code --write-split FILE} writes its
 * row indices (train line, test line) for {@code scripts/torch_lstm_text.py --split FILE}, so the
 * two sides train and test on the same rows. {@code --max-batches N} times only the first N
 * batches (then stops: its test accuracy is that of a model trained on N batches).
 *
 * <pre>
 * TextRnnTraining [--data /work/shared/data/spam.csv.gz] [--cell lstm|gru] [--epochs 3] [--seed 0]
 *                 [--max-len 200] [--vocab 20000] [--write-split FILE] [--max-batches N]
 * </pre>
 * Prints one JSON line: {@code samples_per_s_epoch1}, {@code samples_per_s_best}, {@code test_acc}.
 */
public final class TextRnnTraining {
    private TextRnnTraining() {}

    public static void main(String[] args) throws IOException {
        Path data = Path.of("/work/shared/data/spam.csv.gz");
        String cell = "lstm";
        int epochs = 3;
        long seed = 0;
        int maxLen = 200;
        int vocab = 20_000;
        Path splitOut = null;
        int maxBatches = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--cell" -> cell = args[++i];
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--max-len" -> maxLen = Integer.parseInt(args[++i]);
                case "--vocab" -> vocab = Integer.parseInt(args[++i]);
                case "--write-split" -> splitOut = Path.of(args[++i]);
                case "--max-batches" -> maxBatches = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; usage: TextRnnTraining [--data FILE]"
                        + " [--cell lstm|gru] [--epochs 3] [--seed 0] [--max-len 200] [--vocab 20000] [--write-split FILE]");
            }
        }
        TextTable table = TextTable.read(data, ',', "text", "label");
        Split split = Splits.stratified(table.labels(), 0.2, Splits.CANONICAL_SEED);
        if (splitOut != null) {
            Files.writeString(splitOut, join(split.train()) + "\n" + join(split.test()) + "\n");
            System.out.println("{\"train_rows\": " + split.train().length + ", \"test_rows\": " + split.test().length + "}");
            return;
        }
        TextEncoder enc = table.fit(split.train(), new TextEncoder.Options(TextEncoder.Tokens.WORDS, maxLen, vocab, 2));
        Dataset all = enc.encode(table, "spam");
        Dataset train = split.train(all);
        Dataset test = split.test(all);
        int v = enc.vocabularySize();
        double[] sps = new double[epochs];
        int n = train.size();
        int batchLimit = maxBatches;
        TrainingListener timer = new TrainingListener() {
            long start = System.nanoTime();

            @Override
            public void onBatchEnd(TrainingControl c, int epoch, int batch, double loss) {
                if (batch == batchLimit) { // time the first batches only: one epoch's figure
                    long now = System.nanoTime();
                    sps[epoch - 1] = batch * 32 / ((now - start) / 1e9);
                    System.err.printf(Locale.ROOT, "epoch %d, first %d batches: %.0f samples/s%n", epoch, batch, sps[epoch - 1]);
                    c.stop("timed the first " + batch + " batches");
                }
            }

            @Override
            public void onEpochEnd(TrainingControl c, EpochResult r) {
                if (batchLimit > 0) {
                    return;
                }
                long now = System.nanoTime();
                sps[r.epoch() - 1] = n / ((now - start) / 1e9);
                System.err.printf(Locale.ROOT, "epoch %d: %.0f samples/s, loss %.4f%n", r.epoch(), sps[r.epoch() - 1], r.trainingLoss());
                start = now;
            }
        };
        Sequential.Builder b = Sequential.builder().input(maxLen).embedding(v, 64, TextEncoder.PADDING).seed(seed);
        if (cell.equals("gru")) {
            b.gru(64, 1, false, 0, Recurrent.Readout.LAST);
        } else {
            b.lstm(64, 1, false, 0, Recurrent.Readout.LAST);
        }
        Sequential m = b.dense(2).build();
        m.fit(train, FitOptions.builder().epochs(epochs).batchSize(32).seed(seed).optimizer(Optimizer.adam(1e-3f))
                .listener(timer).build());
        double acc = m.evaluate(test).accuracy();
        System.out.printf(Locale.ROOT, "{\"cell\": \"%s\", \"samples_per_s_epoch1\": %.1f, \"samples_per_s_best\": %.1f, "
                        + "\"test_acc\": %.4f, \"vocab\": %d, \"train_rows\": %d, \"test_rows\": %d}%n",
                cell, sps[0], Arrays.stream(sps).max().orElse(0), acc, v, n, test.size());
    }

    private static String join(int[] rows) {
        return IntStream.of(rows).mapToObj(Integer::toString).collect(Collectors.joining(" "));
    }
}

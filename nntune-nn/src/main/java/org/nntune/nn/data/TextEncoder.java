package org.nntune.nn.data;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns text into rows of token ids for an {@link org.nntune.nn.layer.Embedding}, as learned
 * from the training rows: the tokenizer, the vocabulary, the maximum length and the class names.
 * Saved beside a model ({@link #write}, {@link #read}) so that the loaded model reads raw text
 * ({@link #readFeatures}) exactly as it read its training file.
 *
 * <p>Tokens: {@link Tokens#WORDS} lower-cases the text and takes each run of letters a-z,
 * digits and apostrophes as a word, exactly as Python's {@code re.findall(r"[a-z0-9']+", text.lower())}
 * (full lower-case mapping: Turkish İ becomes i and a combining dot, which ends the word);
 * {@link Tokens#CHARS} takes every character. Only the first {@code maxLength} tokens of a text
 * are read (a 1 MB message costs no more than a short one); longer texts are truncated, and
 * {@link Encoded#truncated} counts them so that a caller says so once.
 *
 * <p>Ids: 0 is padding (rows are right-padded with it), 1 stands for every token not in the
 * vocabulary (and for an empty text, which becomes one unknown token, so that every row has at
 * least one step), 2… are the vocabulary's tokens: those seen at least {@code minCount} times in
 * the training rows, most frequent first (ties in order of first appearance), at most
 * {@code maxVocabulary}.
 */
public final class TextEncoder implements InputEncoder {
    /** The id rows are right-padded with, after a text's last token; an embedding keeps its vector zero. */
    public static final int PADDING = 0;
    /** The id of every token not in the vocabulary, and the one token of an empty text. */
    public static final int UNKNOWN = 1;
    static final String MAGIC = "nntune-text-encoder";
    /** 2 adds the field separator; a version 1 file was read with ','. */
    private static final int VERSION = 2;

    /** How text is cut into tokens. */
    public enum Tokens {
        /** Lower-cased runs of letters a-z, digits and apostrophes; everything else separates. */
        WORDS,
        /** Every character (Unicode code point), as written: case kept, spaces and punctuation included. */
        CHARS
    }

    /**
     * Tokenizer and vocabulary settings.
     *
     * <p>{@code maxVocabulary} counts <em>words</em> (tokens) only, ids 2 onwards: the encoder then
     * uses up to {@code maxVocabulary + 2} ids with padding and unknown ({@link #vocabularySize()}
     * says how many it does use, the size an embedding needs). A study file's {@code data.vocab_size},
     * like its {@code model.space.vocab_size} and {@link TokenLimit#vocabulary()}, counts <em>ids</em>,
     * padding and unknown included; side by side:
     * <pre>
     * new Options(WORDS, 60, 2000, 2)   up to 2,000 words, 2,002 ids   = data.vocab_size: 2002
     * new Options(WORDS, 60, 1998, 2)   up to 1,998 words, 2,000 ids   = data.vocab_size: 2000
     * </pre>
     * (the CLI passes {@code vocab_size − 2}; each keeps its meaning, as models and studies saved
     * with them depend on it).
     *
     * @param tokens        words or characters
     * @param maxLength     tokens read per text (the rest is cut), at least 1
     * @param maxVocabulary the most frequent words kept, padding and unknown <em>not</em> included, at least 1
     * @param minCount      times a token must occur in the training rows to be kept, at least 1
     */
    public record Options(Tokens tokens, int maxLength, int maxVocabulary, int minCount) {
        /**
         * @throws NullPointerException if tokens is null
         * @throws IllegalArgumentException if maxLength, maxVocabulary or minCount is below 1
         */
        public Options {
            java.util.Objects.requireNonNull(tokens, "tokens");
            if (maxLength < 1) {
                throw new IllegalArgumentException("max length must be >= 1 token, got " + maxLength);
            }
            if (maxVocabulary < 1) {
                throw new IllegalArgumentException("max vocabulary must be >= 1 word (padding and unknown not counted), got " + maxVocabulary);
            }
            if (minCount < 1) {
                throw new IllegalArgumentException("min count must be >= 1, got " + minCount);
            }
        }

        /**
         * Words, 200 tokens, 20,000 words seen at least twice (20,002 ids; a study file's default
         * {@code vocab_size: 20000} is 19,998 words).
         */
        public static Options defaults() {
            return new Options(Tokens.WORDS, 200, 20_000, 2);
        }
    }

    /**
     * No token of the training rows occurs {@link Options#minCount()} times, so the vocabulary
     * would hold only the padding and unknown ids and every text would read as unknown tokens:
     * refused by {@link #fit}. Says how many distinct tokens the rows have and how often the most
     * frequent occurs (0 and 0 when the rows have no token at all).
     */
    public static final class EmptyVocabularyException extends IllegalArgumentException {
        /** Distinct tokens in the training rows (part of the serialized form). */
        private final int distinctTokens;
        /** Occurrences of the most frequent of them (part of the serialized form). */
        private final int highestCount;

        EmptyVocabularyException(String message, int distinctTokens, int highestCount) {
            super(message);
            this.distinctTokens = distinctTokens;
            this.highestCount = highestCount;
        }

        /** @return how many distinct tokens the training rows have, 0 when they have none */
        public int distinctTokens() { return distinctTokens; }
        /** How many times the most frequent token occurs in the training rows. */
        public int highestCount() { return highestCount; }
    }

    /** Encoded rows: {@code rows × maxLength} ids as floats, and how many texts were truncated. */
    public record Encoded(float[] ids, int rows, int truncated) {}

    private final Options options;
    private final char separator;
    private final String textColumn;
    private final List<String> vocabulary;
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> classNames;

    private TextEncoder(Options options, char separator, String textColumn, List<String> vocabulary, List<String> classNames) {
        this.options = options;
        this.separator = separator;
        this.textColumn = textColumn;
        this.vocabulary = List.copyOf(vocabulary);
        this.classNames = List.copyOf(classNames);
        for (int i = 0; i < vocabulary.size(); i++) {
            ids.put(vocabulary.get(i), i + 2);
        }
    }

    /** @throws EmptyVocabularyException when no token of the training rows occurs {@code minCount} times */
    static TextEncoder fit(TextTable table, int[] trainRows, Options options, List<String> classNames) {
        Map<String, int[]> counts = new LinkedHashMap<>(); // insertion order: ties stay in order of first appearance
        List<String> tokens = new ArrayList<>();
        for (int r : trainRows) {
            tokenize(table.text(r), options, tokens);
            for (String t : tokens) {
                counts.computeIfAbsent(t, k -> new int[1])[0]++;
            }
        }
        List<Map.Entry<String, int[]>> kept = new ArrayList<>();
        int highest = 0;
        for (var e : counts.entrySet()) {
            highest = Math.max(highest, e.getValue()[0]);
            if (e.getValue()[0] >= options.minCount()) {
                kept.add(e);
            }
        }
        if (kept.isEmpty()) {
            throw emptyVocabulary(table, trainRows.length, options, counts.size(), highest);
        }
        kept.sort((a, b) -> Integer.compare(b.getValue()[0], a.getValue()[0])); // stable: ties keep first-appearance order
        List<String> vocab = new ArrayList<>();
        for (int i = 0; i < Math.min(options.maxVocabulary(), kept.size()); i++) {
            vocab.add(kept.get(i).getKey());
        }
        return new TextEncoder(options, table.separator(), table.textColumn(), vocab, classNames);
    }

    private static EmptyVocabularyException emptyVocabulary(TextTable table, int rows, Options options, int distinct, int highest) {
        String what = options.tokens() == Tokens.WORDS ? "word" : "character";
        String where = String.format(Locale.ROOT, "%s, column '%s': the %,d training %s", table.source(), table.textColumn(), rows,
                rows == 1 ? "text has" : "texts have");
        if (distinct == 0) {
            return new EmptyVocabularyException(where + " no " + what + (options.tokens() == Tokens.WORDS
                    ? " (a word is a run of letters a-z, digits and apostrophes)" : "") + "; a vocabulary needs at least one", 0, 0);
        }
        return new EmptyVocabularyException(String.format(Locale.ROOT, "%s %,d distinct %s%s, the most frequent occurring %,d %s;"
                        + " none occurs the %,d times the minimum count asks, so the vocabulary would hold only the padding and unknown"
                        + " ids", where, distinct, what, distinct == 1 ? "" : "s", highest, highest == 1 ? "time" : "times",
                options.minCount()), distinct, highest);
    }

    /**
     * The first {@code maxLength} tokens of {@code text} into {@code out} (cleared first);
     * returns whether the text had more.
     */
    static boolean tokenize(String text, Options options, List<String> out) {
        out.clear();
        int max = options.maxLength();
        if (options.tokens() == Tokens.CHARS) {
            for (int i = 0; i < text.length() && out.size() < max; ) {
                int cp = text.codePointAt(i);
                out.add(new String(Character.toChars(cp)));
                i += Character.charCount(cp);
            }
            return text.codePointCount(0, text.length()) > out.size();
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            // Python's text.lower() maps a code point to one or more (İ: i + U+0307, which then ends the word);
            // String.toLowerCase(ROOT) does the same, one code point at a time so a long text is not copied whole
            // (the context-dependent final sigma stays Greek either way, never a-z)
            String lower = cp < 0x80 ? null : new String(Character.toChars(cp)).toLowerCase(Locale.ROOT);
            for (int j = 0, n = lower == null ? 1 : lower.length(); j < n; j++) {
                char c = lower == null ? (char) (cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp) : lower.charAt(j);
                if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'') {
                    sb.append(c);
                } else if (sb.length() > 0) {
                    if (out.size() == max) {
                        return true;
                    }
                    out.add(sb.toString());
                    sb.setLength(0);
                }
            }
        }
        if (sb.length() > 0) {
            if (out.size() == max) {
                return true;
            }
            out.add(sb.toString());
        }
        return false;
    }

    /** @return the tokenizer and vocabulary settings the encoder was fitted with */
    public Options options() { return options; }
    /** @return the name of the text column a file to predict is read from */
    public String textColumn() { return textColumn; }
    /** The vocabulary, id 2 first. */
    public List<String> vocabulary() { return vocabulary; }
    /** Ids in use: padding, unknown and the vocabulary. */
    public int vocabularySize() { return vocabulary.size() + 2; }
    @Override
    public List<String> classNames() { return classNames; }
    /** @return the ids per row ({@link Options#maxLength()}): longer texts are cut, shorter ones padded */
    public int maxLength() { return options.maxLength(); }

    /** The id of one token. */
    public int id(String token) {
        return ids.getOrDefault(token, UNKNOWN);
    }

    /** Encodes texts into rows of {@code maxLength} ids, right-padded. */
    public Encoded encode(List<String> texts) {
        int len = options.maxLength();
        float[] x = new float[texts.size() * len];
        List<String> tokens = new ArrayList<>();
        int truncated = 0;
        for (int r = 0; r < texts.size(); r++) {
            if (tokenize(texts.get(r), options, tokens)) {
                truncated++;
            }
            if (tokens.isEmpty()) {
                x[r * len] = UNKNOWN;
            }
            for (int t = 0; t < tokens.size(); t++) {
                x[r * len + t] = id(tokens.get(t));
            }
        }
        return new Encoded(x, texts.size(), truncated);
    }

    private List<String> texts(TextTable table) {
        List<String> texts = new ArrayList<>(table.rowCount());
        for (int r = 0; r < table.rowCount(); r++) {
            texts.add(table.text(r));
        }
        return texts;
    }

    /** The labelled table as a classification set of {@code [maxLength]} token ids. */
    public Dataset encode(TextTable table, String name) {
        if (!table.classNames().equals(classNames) && !classNames.containsAll(table.classNames())) {
            throw new IllegalArgumentException(table.source() + ": classes " + table.classNames() + " are not among the encoder's "
                    + classNames);
        }
        Encoded e = encode(texts(table));
        int[] local = table.labels();
        int[] labels = new int[local.length];
        for (int i = 0; i < local.length; i++) {
            labels[i] = classNames.indexOf(table.classNames().get(local[i]));
        }
        return Dataset.classification(name, e.ids(), new int[] {options.maxLength()}, labels, List.of(), classNames);
    }

    /**
     * Reads a CSV of raw text to predict (with a header, fields separated as the training file's
     * were): its {@link #textColumn()} column, encoded.
     */
    public Encoded readTexts(Path file) {
        return encode(texts(TextTable.read(file, separator, textColumn, null)));
    }

    @Override
    public CsvEncoder.FeatureRows readFeatures(Path file) {
        TextTable t = TextTable.read(file, separator, textColumn, null); // as the training file was read
        Encoded e = encode(texts(t));
        int[] lines = new int[t.rowCount()];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = t.line(i);
        }
        return new CsvEncoder.FeatureRows(file.toString(), e.ids(), e.rows(), options.maxLength(), lines, "");
    }

    /**
     * A one-line note for a user when texts were truncated, or empty: "3 of 40 texts had more than
     * 8 tokens and were truncated to their first 8" ("1 of 40 texts had more than 1 token and was
     * truncated to its first token").
     */
    public String truncationNote(Encoded e) {
        if (e.truncated() == 0) {
            return "";
        }
        int max = options.maxLength();
        boolean one = e.truncated() == 1;
        return String.format(Locale.ROOT, "%,d of %,d %s had more than %,d %s and %s truncated to %s first %s", e.truncated(), e.rows(),
                e.rows() == 1 ? "text" : "texts", max, max == 1 ? "token" : "tokens", one ? "was" : "were", one ? "its" : "their",
                max == 1 ? "token" : String.format(Locale.ROOT, "%,d", max));
    }

    @Override
    public void write(DataOutputStream out) throws IOException {
        out.writeUTF(MAGIC);
        out.writeInt(VERSION);
        out.writeUTF(options.tokens().name());
        out.writeInt(options.maxLength());
        out.writeInt(options.maxVocabulary());
        out.writeInt(options.minCount());
        out.writeUTF(textColumn);
        out.writeChar(separator);
        out.writeInt(classNames.size());
        for (String c : classNames) {
            out.writeUTF(c);
        }
        out.writeInt(vocabulary.size());
        for (String w : vocabulary) {
            out.writeUTF(w);
        }
        out.flush();
    }

    /**
     * Reads an encoder written by {@link #write} (version 1, before the separator was kept, reads
     * with {@code ,}).
     *
     * @param in positioned at the encoder's block
     * @return the encoder
     * @throws IOException if the block is not a text encoder's or is of a version this nntune does
     *     not read, its tokenizer is unknown, or the stream fails
     * @throws IllegalArgumentException if it holds a length, vocabulary or count below 1
     */
    public static TextEncoder read(DataInputStream in) throws IOException {
        String magic = in.readUTF();
        if (!MAGIC.equals(magic)) {
            throw new IOException("not an nntune text encoder (starts with '" + magic + "')");
        }
        int version = in.readInt();
        if (version < 1 || version > VERSION) {
            throw new IOException("text encoder version " + version + " is not supported (this nntune reads 1 to " + VERSION + ")");
        }
        Tokens tokens;
        try {
            tokens = Tokens.valueOf(in.readUTF());
        } catch (IllegalArgumentException e) {
            throw new IOException("unknown tokenizer in text encoder", e);
        }
        Options options = new Options(tokens, in.readInt(), in.readInt(), in.readInt());
        String column = in.readUTF();
        char separator = version >= 2 ? in.readChar() : ',';
        List<String> classes = new ArrayList<>();
        for (int i = in.readInt(); i > 0; i--) {
            classes.add(in.readUTF());
        }
        List<String> vocab = new ArrayList<>();
        for (int i = in.readInt(); i > 0; i--) {
            vocab.add(in.readUTF());
        }
        return new TextEncoder(options, separator, column, vocab, classes);
    }
}

package org.nntune.cli.output;

import java.io.PrintWriter;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * A plain-text table for a terminal, its columns aligned by the width a terminal gives the text:
 * a Chinese, Japanese or Korean character or an emoji takes two columns, a combining accent none
 * ({@link #width}). {@code String.length()} counts neither right, so a study named {@code 実験}
 * pushed every later column of {@code studies} and {@code trials} out of line.
 */
public final class TextTable {
    private TextTable() {}

    /**
     * Prints rows, two spaces between columns, each column as wide as its widest cell; a row may have
     * fewer cells than the widest (its last cell is then not padded), trailing blanks are stripped.
     *
     * @param right which columns are right-aligned (numbers), by index
     */
    public static void print(List<List<String>> rows, IntPredicate right, PrintWriter out) {
        int columns = rows.stream().mapToInt(List::size).max().orElse(0);
        int[] width = new int[columns];
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                if (i < r.size() - 1 || r.size() == columns) { // a short row's last cell spans the rest
                    width[i] = Math.max(width[i], width(r.get(i)));
                }
            }
        }
        for (List<String> r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                if (i > 0) {
                    sb.append("  ");
                }
                String cell = r.get(i);
                String pad = " ".repeat(Math.max(0, width[i] - width(cell)));
                sb.append(right.test(i) && (i < r.size() - 1 || r.size() == columns) ? pad + cell : cell + pad);
            }
            out.println(sb.toString().stripTrailing());
        }
    }

    /** @return {@code s} cut to at most {@code max} terminal columns, ending in "…" when cut */
    public static String cut(String s, int max) {
        if (width(s) <= max) {
            return s;
        }
        StringBuilder sb = new StringBuilder();
        int used = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int w = width(cp);
            if (used + w > max - 1) {
                break;
            }
            sb.appendCodePoint(cp);
            used += w;
            i += Character.charCount(cp);
        }
        return sb.append('…').toString();
    }

    /** @return the columns a terminal gives {@code s} */
    public static int width(String s) {
        int w = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            w += width(cp);
            i += Character.charCount(cp);
        }
        return w;
    }

    /**
     * @return the columns a terminal gives one code point: none for combining marks, format
     *     characters and zero-width spaces; two for East Asian wide and full-width characters and
     *     emoji (the ranges of Unicode's East Asian Width W and F, as terminals' wcwidth has them);
     *     one otherwise
     */
    static int width(int cp) {
        int type = Character.getType(cp);
        if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT
                || cp == 0x200B || (cp >= 0x1160 && cp <= 0x11FF)) { // Hangul medial vowels and finals join the syllable
            return 0;
        }
        boolean wide = (cp >= 0x1100 && cp <= 0x115F) // Hangul initial consonants
                || cp == 0x2329 || cp == 0x232A
                || (cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F) // CJK radicals … Yi
                || (cp >= 0xAC00 && cp <= 0xD7A3) // Hangul syllables
                || (cp >= 0xF900 && cp <= 0xFAFF) // CJK compatibility ideographs
                || (cp >= 0xFE10 && cp <= 0xFE19) // vertical forms
                || (cp >= 0xFE30 && cp <= 0xFE6F) // CJK compatibility forms, small forms
                || (cp >= 0xFF00 && cp <= 0xFF60) // full-width forms
                || (cp >= 0xFFE0 && cp <= 0xFFE6)
                || (cp >= 0x1F300 && cp <= 0x1F64F) // pictographs, emoticons
                || (cp >= 0x1F900 && cp <= 0x1F9FF) // supplemental symbols and pictographs
                || (cp >= 0x20000 && cp <= 0x3FFFD); // CJK extensions B and beyond
        return wide ? 2 : 1;
    }
}

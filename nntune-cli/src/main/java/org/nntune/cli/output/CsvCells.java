package org.nntune.cli.output;

import java.math.BigDecimal;

/**
 * Cells of the CSV nntune prints ({@code trials --format csv}, {@code predict}): RFC 4180 text
 * cells and float values written so that they read back exactly.
 */
public final class CsvCells {
    private CsvCells() {}

    /**
     * {@code text} as one RFC 4180 field: as it is, or in double quotes (inner quotes doubled) when
     * it holds a comma, a double quote or a line break, so a class name like {@code Yes, confirmed}
     * stays one field and one record.
     */
    public static String cell(String text) {
        if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }

    /**
     * A float's value in full: the fewest decimal digits that read back as the same float
     * ({@link Float#toString}), in plain notation from 1e-6 to below 1e9 ({@code 0.000012},
     * {@code 1234567.0}) and in Java's scientific notation outside ({@code 1.5E-9}, {@code 2.0E10}),
     * which Python's {@code float}, pandas and spreadsheets read too; {@code NaN}, {@code Infinity}.
     */
    public static String number(float v) {
        String s = Float.toString(v);
        double a = Math.abs(v);
        if (!s.contains("E") || a < 1e-6 || a >= 1e9) {
            return s;
        }
        // Float.toString leaves plain notation below 1e-3 and from 1e7 on; the digits are the same, only the point moves
        String plain = new BigDecimal(s).stripTrailingZeros().toPlainString();
        return plain.contains(".") ? plain : plain + ".0";
    }
}

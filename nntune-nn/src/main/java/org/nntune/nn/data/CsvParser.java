package org.nntune.nn.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits CSV text into records and fields (RFC 4180): fields separated by one separator
 * character, records ended by LF, CRLF or CR; a field that starts with the quote character runs to
 * the matching quote and may hold separators, line breaks and doubled quotes ({@code ""} is one
 * quote). Unquoted fields are trimmed of spaces and tabs (unless the separator is one of those);
 * quoted fields are kept as written. A quote inside an unquoted field, text after a closing quote
 * and an unterminated quote are errors naming the line and column.
 */
final class CsvParser {

    /** One parsed field: its text, the line it starts on, and whether it was quoted. */
    record Field(String text, int line, boolean quoted) {}

    private final String source;
    private final char[] s;
    private final char sep;
    private final char quote;
    private int pos;
    private int line = 1;
    private final StringBuilder sb = new StringBuilder();

    CsvParser(String source, char[] text, char separator, char quote) {
        this.source = source;
        this.s = text;
        this.sep = separator;
        this.quote = quote;
    }

    /** The line the next record starts on. */
    int line() {
        return line;
    }

    /** Reads the next record into {@code out} (cleared first); false at the end of the text. */
    boolean next(List<Field> out) {
        out.clear();
        if (pos >= s.length) {
            return false;
        }
        while (true) {
            out.add(pos < s.length && s[pos] == quote ? quoted(out.size() + 1) : unquoted(out.size() + 1));
            if (pos >= s.length) {
                return true;
            }
            char c = s[pos];
            if (c == sep) {
                pos++;
                continue;
            }
            // end of record
            if (c == '\r' && pos + 1 < s.length && s[pos + 1] == '\n') {
                pos += 2;
            } else {
                pos++;
            }
            line++;
            return true;
        }
    }

    private boolean trims() {
        return sep != ' ' && sep != '\t';
    }

    private Field unquoted(int column) {
        int start = pos;
        while (pos < s.length) {
            char c = s[pos];
            if (c == sep || c == '\n' || c == '\r') {
                break;
            }
            if (c == quote) {
                throw new IllegalArgumentException(source + " line " + line + ", column " + column
                        + ": a quote character inside an unquoted field; expected the whole field in quotes, with inner quotes doubled (\"\")");
            }
            pos++;
        }
        int a = start, b = pos;
        if (trims()) {
            while (a < b && (s[a] == ' ' || s[a] == '\t')) a++;
            while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) b--;
        }
        return new Field(new String(s, a, b - a), line, false);
    }

    private Field quoted(int column) {
        int startLine = line;
        pos++; // opening quote
        sb.setLength(0);
        while (true) {
            if (pos >= s.length) {
                throw new IllegalArgumentException(source + " line " + startLine + ", column " + column
                        + ": the quoted field never ends; expected a closing quote before the end of the file");
            }
            char c = s[pos];
            if (c == quote) {
                if (pos + 1 < s.length && s[pos + 1] == quote) {
                    sb.append(quote);
                    pos += 2;
                    continue;
                }
                pos++;
                break;
            }
            if (c == '\n' || (c == '\r' && !(pos + 1 < s.length && s[pos + 1] == '\n'))) {
                line++;
            }
            sb.append(c);
            pos++;
        }
        while (trims() && pos < s.length && (s[pos] == ' ' || s[pos] == '\t')) {
            pos++;
        }
        if (pos < s.length && s[pos] != sep && s[pos] != '\n' && s[pos] != '\r') {
            throw new IllegalArgumentException(source + " line " + line + ", column " + column + ": unexpected '" + s[pos]
                    + "' after a closing quote; expected the separator '" + sep + "' or the end of the line"
                    + " (a quote inside a quoted field is written twice: \"\")");
        }
        return new Field(sb.toString(), startLine, true);
    }

    /** Whether a record is a blank line (one empty unquoted field). */
    static boolean isBlank(List<Field> record) {
        return record.size() == 1 && !record.get(0).quoted() && record.get(0).text().isEmpty();
    }

    static List<Field> newRecord() {
        return new ArrayList<>();
    }
}

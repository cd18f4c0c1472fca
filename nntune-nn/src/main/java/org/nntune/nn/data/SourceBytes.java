package org.nntune.nn.data;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Reading a data file's bytes (gzip detected by its magic bytes) and decoding them as strict UTF-8 text. */
final class SourceBytes {
    private SourceBytes() {}

    static boolean isGzip(byte[] head) {
        return head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
    }

    /** All bytes of {@code file}, decompressed when the file is gzipped. */
    static byte[] readAll(Path file) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("file " + file + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + why(e), e);
        }
        return gunzipIfNeeded(file.toString(), raw);
    }

    /**
     * What went wrong reading a file, in words: the JDK's exceptions for a file that may not be read
     * or is a folder carry only the path as their message.
     */
    static String why(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied (the file is not readable by this user)";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return String.valueOf(e.getMessage());
    }

    static byte[] readAll(String source, InputStream in) {
        try (in) {
            return gunzipIfNeeded(source, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    static byte[] gunzipIfNeeded(String source, byte[] raw) {
        if (!isGzip(raw)) {
            return raw;
        }
        try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(raw), 1 << 16)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length * 4);
            gz.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalArgumentException("file " + source + " starts like a gzip file but cannot be decompressed: "
                    + e.getMessage() + " (truncated or damaged?)");
        }
    }

    /**
     * Decodes {@code bytes} as UTF-8 text (a leading byte-order mark is dropped). NUL bytes (more than
     * one in a thousand) or an invalid UTF-8 sequence mean the file is not text: the error names the
     * byte offset and line (and, for invalid UTF-8, how to convert a Windows-1252 file); a rarer NUL is
     * "a NUL character inside a field" at its line.
     */
    static char[] decodeText(String source, byte[] bytes) {
        return decodeText(source, bytes, false);
    }

    /**
     * As {@link #decodeText(String, byte[])}; with {@code allowNul} a NUL byte is a character like
     * any other (free text such as mail bodies may hold one), only invalid UTF-8 is refused.
     */
    static char[] decodeText(String source, byte[] bytes, boolean allowNul) {
        int firstNul = -1;
        int nuls = 0;
        for (int i = 0; !allowNul && i < bytes.length; i++) {
            if (bytes[i] == 0) {
                firstNul = firstNul < 0 ? i : firstNul;
                nuls++;
            }
        }
        if (nuls > 0 && stray(nuls, bytes)) {
            // a stray NUL in a text otherwise fine (one mail body in thousands): the file is text, that field is the problem
            throw new IllegalArgumentException(source + " line " + lineAt(bytes, firstNul) + ": a NUL character inside a field (byte"
                    + " offset " + firstNul + (nuls > 1 ? "; " + nuls + " in the file" : "") + "); expected text without NUL characters"
                    + " (remove them: tr -d '\\000' < in.csv > out.csv)");
        }
        if (nuls > 0) {
            throw notText(source, bytes, firstNul, "a NUL byte");
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = decoder.decode(in, out, true);
        if (r.isError()) {
            // most often a spreadsheet's "CSV" saved on Windows: Windows-1252 (ä is the single byte 0xe4)
            throw new IllegalArgumentException(notText(source, bytes, in.position(), "an invalid UTF-8 byte 0x"
                    + String.format("%02x", bytes[in.position()] & 0xff)).getMessage() + "; if it was saved in a Windows encoding"
                    + " (Excel's CSV), convert it first: iconv -f cp1252 -t utf-8 in.csv > out.csv");
        }
        decoder.flush(out);
        out.flip();
        int start = out.length() > 0 && out.charAt(0) == '\uFEFF' ? 1 : 0;
        char[] chars = new char[out.length() - start];
        out.position(start);
        out.get(chars);
        return chars;
    }

    /** NUL bytes few enough for a text file (one in a thousand at most): a stray one in a field, not a binary or UTF-16 file. */
    private static boolean stray(long nuls, byte[] bytes) {
        return nuls * 1000 < bytes.length;
    }

    /**
     * As {@link #decodeText(String, byte[])}, but a stray NUL (see {@link #stray}) is kept as a
     * character: for readers that only look at the values, such as a profile of the columns.
     */
    static char[] decodeTextKeepingStrayNuls(String source, byte[] bytes) {
        long nuls = 0;
        for (byte b : bytes) {
            nuls += b == 0 ? 1 : 0;
        }
        return decodeText(source, bytes, nuls > 0 && stray(nuls, bytes));
    }

    private static int lineAt(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    private static IllegalArgumentException notText(String source, byte[] bytes, int offset, String what) {
        int line = lineAt(bytes, offset);
        return new IllegalArgumentException("file " + source + " is not a UTF-8 text file: " + what + " at byte offset "
                + offset + " (line " + line + "); expected CSV text (plain or gzipped)");
    }
}

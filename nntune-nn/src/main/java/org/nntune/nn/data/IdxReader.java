package org.nntune.nn.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST, plain or gzipped (told apart by the
 * gzip magic bytes {@code 1f 8b}, not by the file name).
 *
 * <p>The format: two zero bytes, a type byte ({@code 0x08} unsigned byte, {@code 0x09} signed
 * byte, {@code 0x0B} short, {@code 0x0C} int, {@code 0x0D} float, {@code 0x0E} double), the number
 * of dimensions, each dimension as a big-endian int32, then the values big-endian in row-major
 * order. A wrong magic, an unknown type, a truncated file and bytes left after the announced
 * values are errors naming the file and what was expected.
 *
 * <p>Values are converted to float32 (or int) in one streaming pass through a 64 KiB buffer: no
 * intermediate byte array of the whole file, no boxing.
 */
public final class IdxReader {
    private IdxReader() {}

    private static final int CHUNK = 1 << 16;

    /** An IDX array converted to float32: its dimensions and its values, row-major. */
    public record Floats(int[] dims, float[] values) {}

    /** An IDX array of integers: its dimensions and its values, row-major. */
    public record Ints(int[] dims, int[] values) {}

    /** Reads any IDX file as float32 values. */
    public static Floats readFloats(Path file) {
        try (InputStream in = open(file)) {
            Header h = header(file, in);
            float[] out = new float[h.count()];
            readValues(file, in, h, out, null);
            checkEnd(file, in, h);
            return new Floats(h.dims(), out);
        } catch (IOException e) {
            throw ioError(file, e);
        }
    }

    /** Reads an IDX file of integer type (unsigned/signed byte, short, int) as ints. */
    public static Ints readInts(Path file) {
        try (InputStream in = open(file)) {
            Header h = header(file, in);
            if (h.type() == 0x0D || h.type() == 0x0E) {
                throw new IllegalArgumentException("IDX file " + file + " holds " + typeName(h.type())
                        + " values; expected an integer type (labels are unsigned bytes, type 0x08)");
            }
            int[] out = new int[h.count()];
            readValues(file, in, h, null, out);
            checkEnd(file, in, h);
            return new Ints(h.dims(), out);
        } catch (IOException e) {
            throw ioError(file, e);
        }
    }

    private record Header(int type, int[] dims, int count, int headerBytes) {
        int width() {
            return switch (type) {
                case 0x08, 0x09 -> 1;
                case 0x0B -> 2;
                case 0x0C, 0x0D -> 4;
                default -> 8;
            };
        }
    }

    private static InputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("IDX file " + file + " does not exist");
        }
        byte[] magic = new byte[2];
        int got;
        try (InputStream probe = Files.newInputStream(file)) {
            got = probe.readNBytes(magic, 0, 2);
        }
        InputStream raw = Files.newInputStream(file);
        return got == 2 && SourceBytes.isGzip(magic) ? new GZIPInputStream(raw, CHUNK) : raw;
    }

    private static Header header(Path file, InputStream in) throws IOException {
        byte[] head = new byte[4];
        int got = in.readNBytes(head, 0, 4);
        if (got < 4) {
            throw new IllegalArgumentException("IDX file " + file + " is truncated: " + got
                    + " bytes, expected at least a 4-byte header (00 00 type ndims)");
        }
        if (head[0] != 0 || head[1] != 0) {
            throw new IllegalArgumentException(String.format("IDX file %s has a wrong magic number: bytes 0-1 are 0x%02x 0x%02x, expected 0x00 0x00 (is it an IDX file?)",
                    file, head[0] & 0xff, head[1] & 0xff));
        }
        int type = head[2] & 0xff;
        if (typeName(type) == null) {
            throw new IllegalArgumentException(String.format("IDX file %s has an unknown type byte 0x%02x at offset 2; expected 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E", file, type));
        }
        int ndims = head[3] & 0xff;
        if (ndims == 0) {
            throw new IllegalArgumentException("IDX file " + file + " declares 0 dimensions at offset 3; expected at least 1");
        }
        byte[] d = new byte[4 * ndims];
        got = in.readNBytes(d, 0, d.length);
        if (got < d.length) {
            throw new IllegalArgumentException("IDX file " + file + " is truncated in its header: " + ndims + " dimensions need "
                    + d.length + " bytes after offset 4, found " + got);
        }
        int[] dims = new int[ndims];
        long count = 1;
        for (int i = 0; i < ndims; i++) {
            dims[i] = ((d[4 * i] & 0xff) << 24) | ((d[4 * i + 1] & 0xff) << 16) | ((d[4 * i + 2] & 0xff) << 8) | (d[4 * i + 3] & 0xff);
            if (dims[i] < 0) {
                throw new IllegalArgumentException("IDX file " + file + ": dimension " + i + " is " + Integer.toUnsignedString(dims[i])
                        + ", more than a Java array can hold; expected at most " + Integer.MAX_VALUE);
            }
            count *= dims[i];
            if (count > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("IDX file " + file + ": dimensions " + Arrays.toString(Arrays.copyOf(dims, i + 1))
                        + "... hold more values than a Java array can; expected at most " + (Integer.MAX_VALUE - 8));
            }
        }
        return new Header(type, dims, (int) count, 4 + 4 * ndims);
    }

    static String typeName(int type) {
        return switch (type) {
            case 0x08 -> "unsigned byte";
            case 0x09 -> "signed byte";
            case 0x0B -> "short";
            case 0x0C -> "int";
            case 0x0D -> "float";
            case 0x0E -> "double";
            default -> null;
        };
    }

    /** Streams the values into {@code f} (floats) or {@code i} (ints), converting each chunk in one pass. */
    private static void readValues(Path file, InputStream in, Header h, float[] f, int[] i) throws IOException {
        int width = h.width();
        long total = (long) h.count() * width;
        byte[] buf = new byte[CHUNK];
        long done = 0;
        int index = 0;
        while (done < total) {
            int want = (int) Math.min(buf.length, total - done);
            int got = in.readNBytes(buf, 0, want);
            if (got < want) {
                long have = done + got;
                throw new IllegalArgumentException("IDX file " + file + " is truncated: the header announces "
                        + dimsText(h.dims()) + " = " + h.count() + " " + typeName(h.type()) + " values (" + total
                        + " bytes of data), found only " + have + " bytes (" + have / width + " values)");
            }
            int n = got / width; // want is a multiple of width: CHUNK is a multiple of 8
            if (h.type() == 0x08) {
                if (f != null) {
                    for (int k = 0; k < n; k++) f[index + k] = buf[k] & 0xff;
                } else {
                    for (int k = 0; k < n; k++) i[index + k] = buf[k] & 0xff;
                }
            } else {
                for (int k = 0; k < n; k++) {
                    int o = k * width;
                    double v = switch (h.type()) {
                        case 0x09 -> buf[o];
                        case 0x0B -> (short) (((buf[o] & 0xff) << 8) | (buf[o + 1] & 0xff));
                        case 0x0C -> int32(buf, o);
                        case 0x0D -> Float.intBitsToFloat(int32(buf, o));
                        default -> Double.longBitsToDouble(((long) int32(buf, o) << 32) | (int32(buf, o + 4) & 0xffffffffL));
                    };
                    if (f != null) f[index + k] = (float) v;
                    else i[index + k] = h.type() == 0x0C ? int32(buf, o) : (int) v;
                }
            }
            index += n;
            done += got;
        }
    }

    private static int int32(byte[] b, int o) {
        return ((b[o] & 0xff) << 24) | ((b[o + 1] & 0xff) << 16) | ((b[o + 2] & 0xff) << 8) | (b[o + 3] & 0xff);
    }

    private static void checkEnd(Path file, InputStream in, Header h) throws IOException {
        byte[] rest = new byte[CHUNK];
        long extra = 0;
        int got;
        while ((got = in.read(rest)) > 0) {
            extra += got;
        }
        if (extra > 0) {
            throw new IllegalArgumentException("IDX file " + file + " has " + extra + " bytes after the " + h.count()
                    + " values its header announces (" + dimsText(h.dims()) + "); expected the file to end there — wrong header or two files joined?");
        }
    }

    private static String dimsText(int[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < dims.length; k++) {
            if (k > 0) sb.append('×');
            sb.append(dims[k]);
        }
        return sb.toString();
    }

    private static RuntimeException ioError(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new IllegalArgumentException("IDX file " + file + " does not exist");
        }
        if (e instanceof EOFException || e instanceof ZipException) {
            return new IllegalArgumentException("IDX file " + file + " is a damaged or truncated gzip stream (" + e.getMessage()
                    + "); expected a complete .gz file — download it again");
        }
        return new UncheckedIOException("cannot read IDX file " + file + ": " + SourceBytes.why(e), e);
    }
}

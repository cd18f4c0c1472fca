package org.nntune.nn.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdxReaderTest {
    @TempDir
    Path dir;

    /** An IDX file: magic 00 00 type ndims, dims, then the given payload bytes. */
    static byte[] idx(int type, int[] dims, byte[] payload) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {0, 0, (byte) type, (byte) dims.length});
        for (int d : dims) out.writeInt(d);
        out.write(payload);
        return bytes.toByteArray();
    }

    static byte[] ramp(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 7);
        return b;
    }

    Path plain(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    Path gz(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(content);
        }
        return p;
    }

    @Test
    void readsUnsignedBytesPlainAndGzipped() throws IOException {
        byte[] file = idx(0x08, new int[] {3, 4, 5}, ramp(60));
        for (Path p : new Path[] {plain("a-idx3-ubyte", file), gz("b.gz", file)}) {
            IdxReader.Floats f = IdxReader.readFloats(p);
            assertThat(f.dims()).containsExactly(3, 4, 5);
            assertThat(f.values()).hasSize(60);
            assertThat(f.values()[0]).isEqualTo(0f);
            assertThat(f.values()[37]).isEqualTo((37 * 7) & 0xff);
            assertThat(IdxReader.readInts(p).values()[59]).isEqualTo((59 * 7) & 0xff);
        }
    }

    @Test
    void readsWiderTypesBigEndian() throws IOException {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(payload);
        out.writeFloat(1.5f);
        out.writeFloat(-2.25f);
        assertThat(IdxReader.readFloats(plain("f", idx(0x0D, new int[] {2}, payload.toByteArray()))).values()).containsExactly(1.5f, -2.25f);
        payload.reset();
        out.writeShort(-3);
        out.writeShort(300);
        assertThat(IdxReader.readInts(plain("s", idx(0x0B, new int[] {2}, payload.toByteArray()))).values()).containsExactly(-3, 300);
        payload.reset();
        out.writeInt(123456789);
        assertThat(IdxReader.readInts(plain("i", idx(0x0C, new int[] {1}, payload.toByteArray()))).values()).containsExactly(123456789);
        payload.reset();
        out.writeDouble(0.125);
        assertThat(IdxReader.readFloats(plain("d", idx(0x0E, new int[] {1}, payload.toByteArray()))).values()).containsExactly(0.125f);
        assertThat(IdxReader.readFloats(plain("b", idx(0x09, new int[] {1}, new byte[] {-5}))).values()).containsExactly(-5f);
    }

    @Test
    void largeFilesCrossChunkBoundaries() throws IOException {
        int n = 200_003;
        IdxReader.Floats f = IdxReader.readFloats(gz("big.gz", idx(0x08, new int[] {n}, ramp(n))));
        assertThat(f.values()[n - 1]).isEqualTo(((n - 1) * 7) & 0xff);
        assertThat(f.values()[65_536]).isEqualTo((65_536 * 7) & 0xff);
    }

    @Test
    void wrongMagic() throws IOException {
        Path p = plain("text", "hello world, not idx".getBytes());
        assertThatThrownBy(() -> IdxReader.readFloats(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(p.toString()).hasMessageContaining("wrong magic number").hasMessageContaining("0x68 0x65");
        Path type = plain("type", new byte[] {0, 0, 0x07, 1, 0, 0, 0, 1, 5});
        assertThatThrownBy(() -> IdxReader.readFloats(type)).hasMessageContaining("unknown type byte 0x07");
        Path floats = plain("fl", idx(0x0D, new int[] {1}, new byte[4]));
        assertThatThrownBy(() -> IdxReader.readInts(floats)).hasMessageContaining("expected an integer type");
    }

    @Test
    void truncatedFiles() throws IOException {
        byte[] full = idx(0x08, new int[] {10, 2, 2}, ramp(40));
        Path data = plain("cut", Arrays.copyOf(full, full.length - 5));
        assertThatThrownBy(() -> IdxReader.readFloats(data)).hasMessageContaining("cut is truncated")
                .hasMessageContaining("10×2×2 = 40").hasMessageContaining("found only 35 bytes");
        Path head = plain("head", Arrays.copyOf(full, 9));
        assertThatThrownBy(() -> IdxReader.readFloats(head)).hasMessageContaining("truncated in its header");
        Path tiny = plain("tiny", new byte[] {0, 0});
        assertThatThrownBy(() -> IdxReader.readFloats(tiny)).hasMessageContaining("tiny is truncated: 2 bytes");
        Path gzCut = dir.resolve("cut.gz");
        byte[] gzBytes = Files.readAllBytes(gz("whole.gz", idx(0x08, new int[] {5000}, ramp(5000))));
        Files.write(gzCut, Arrays.copyOf(gzBytes, gzBytes.length / 2));
        assertThatThrownBy(() -> IdxReader.readFloats(gzCut)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cut.gz").hasMessageContaining("truncated");
    }

    @Test
    void extraBytesAfterTheData() throws IOException {
        Path p = plain("long", idx(0x08, new int[] {4}, ramp(7)));
        assertThatThrownBy(() -> IdxReader.readFloats(p)).hasMessageContaining("has 3 bytes after the 4 values");
    }

    @Test
    void missingFile() {
        assertThatThrownBy(() -> IdxReader.readFloats(dir.resolve("nope"))).hasMessageContaining("does not exist");
    }

    // ---- image sets in a folder

    private void imageSet(Path folder, int trainN, int trainLabelsN, int testN, byte maxLabel, boolean gzip) throws IOException {
        Files.createDirectories(folder);
        byte[] tl = new byte[trainLabelsN];
        for (int i = 0; i < tl.length; i++) tl[i] = (byte) (i % 10);
        if (tl.length > 0) tl[tl.length - 1] = maxLabel;
        byte[] sl = new byte[testN];
        for (int i = 0; i < sl.length; i++) sl[i] = (byte) (9 - i % 10);
        byte[][] files = {idx(0x08, new int[] {trainN, 28, 28}, ramp(trainN * 784)), idx(0x08, new int[] {trainLabelsN}, tl),
                idx(0x08, new int[] {testN, 28, 28}, ramp(testN * 784)), idx(0x08, new int[] {testN}, sl)};
        String[] names = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
        for (int i = 0; i < 4; i++) {
            if (gzip) gz(names[i] + ".gz", files[i]);
            else plain(names[i], files[i]);
            if (!folder.equals(dir)) Files.move(dir.resolve(names[i] + (gzip ? ".gz" : "")), folder.resolve(names[i] + (gzip ? ".gz" : "")));
        }
    }

    @Test
    void loadsAnImageSetFromAFolder() throws IOException {
        Path folder = dir.resolve("fmnist");
        imageSet(folder, 12, 12, 5, (byte) 9, true);
        TrainTest tt = FashionMnist.load(folder);
        assertThat(tt.train().size()).isEqualTo(12);
        assertThat(tt.test().size()).isEqualTo(5);
        assertThat(tt.train().featureShape()).containsExactly(1, 28, 28);
        assertThat(tt.train().classNames()).isEqualTo(FashionMnist.CLASS_NAMES);
        assertThat(tt.test().labels()).containsExactly(9, 8, 7, 6, 5);
        assertThat(tt.train().feature(1, 0)).isEqualTo((784 * 7) & 0xff);

        Path plainFolder = dir.resolve("mnist");
        imageSet(plainFolder, 3, 3, 2, (byte) 1, false);
        assertThat(Mnist.load(plainFolder).train().classNames()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    }

    @Test
    void imageLabelCountMismatchAndLabelsOutOfRange() throws IOException {
        Path mismatch = dir.resolve("mismatch");
        imageSet(mismatch, 6, 5, 2, (byte) 1, true);
        assertThatThrownBy(() -> FashionMnist.load(mismatch)).hasMessageContaining("holds 6 images but")
                .hasMessageContaining("holds 5 labels");
        Path range = dir.resolve("range");
        imageSet(range, 4, 4, 2, (byte) 10, false);
        assertThatThrownBy(() -> FashionMnist.load(range)).hasMessageContaining("label 10 of image 3 (byte offset 11) is outside [0, 10)");
    }

    @Test
    void missingFilesSayHowToGetThem() {
        Path empty = dir.resolve("none");
        assertThatThrownBy(() -> FashionMnist.load(empty)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Fashion-MNIST not found")
                .hasMessageContaining("train-images-idx3-ubyte.gz")
                .hasMessageContaining("apt-get install dataset-fashion-mnist")
                .hasMessageContaining("NNTUNE_DATA");
    }

    @Test
    void folderResolution() {
        assertThat(FashionMnist.SET.resolve(Map.of())).isEqualTo(Path.of("/usr/share/datasets/fashion-mnist"));
        assertThat(FashionMnist.SET.resolve(Map.of("NNTUNE_DATA", "/data"))).isEqualTo(Path.of("/data/fashion-mnist"));
        assertThat(Mnist.SET.resolve(Map.of("NNTUNE_DATA", "/data"))).isEqualTo(Path.of("/data/mnist"));
    }
}

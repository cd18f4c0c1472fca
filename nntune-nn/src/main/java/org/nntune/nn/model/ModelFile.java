package org.nntune.nn.model;

import org.nntune.nn.data.FittedTransform;
import org.nntune.nn.data.StandardScaler;
import org.nntune.nn.data.Transforms;
import org.nntune.nn.layer.Layer;
import org.nntune.nn.layer.Layers;
import org.nntune.nn.layer.Param;
import org.nntune.nn.loss.Loss;
import org.nntune.nn.loss.Losses;
import org.nntune.nn.tensor.Tensor;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The model file format, version {@value #FORMAT_VERSION} (version 2 added the target scaling, version 3 the change target). Everything is big-endian
 * ({@link DataOutputStream}); a "UTF" is a string as {@link DataOutputStream#writeUTF} writes it
 * (2-byte length, modified UTF-8).
 *
 * <pre>
 * header   4 bytes   magic "NNTM"
 *          int       format version ({@value #FORMAT_VERSION}; this code reads 1 to 3)
 *          long      payload length in bytes
 * payload  UTF       nntune version that wrote the file
 *          int r, r × int              input shape of one example
 *          int L, L × (UTF kind, config) layers in order; config as Layer.writeConfig, read by Layers.read
 *          UTF kind, config            the loss, read by Losses.read
 *          long                        seed of the initial weights
 *          UTF kind, parameters        the fitted preprocessing (Transforms.write)
 *          boolean [, UTF kind, params] whether regression targets are scaled, then the target
 *                                      scaler (Transforms.write): version 2 on; absent in version 1
 *          boolean                     whether the network learns each target's change from the last
 *                                      raw input (Sequential#changeFromLastInput): version 3 on; absent
 *                                      before, read as false (the targets themselves)
 *          L × (int P, P × (UTF name, int n, n × float),   parameters of each layer
 *               int B, B × (int n, n × float))             and its running statistics
 *          long                        seed of the training run
 *          UTF, UTF                    training data name and SHA-256 fingerprint ("" if untrained)
 *          int r, r × int              training data shape: rows, then the feature shape
 *          int m, m × (UTF, UTF)       hyperparameters, name → value
 * trailer  int       CRC-32 of the payload
 * </pre>
 *
 * A reader accepts versions up to its own and refuses newer ones with a message saying so; a
 * file whose length or checksum does not match is reported as truncated or corrupt. Version 1
 * files are kept as test resources and read by every later version.
 */
public final class ModelFile {
    /** The format version this code writes (and the newest it reads). */
    public static final int FORMAT_VERSION = 3;
    private static final int MAGIC = 0x4E4E544D; // "NNTM"
    private static final int HEADER = 16;

    private ModelFile() {}

    static void write(Sequential model, Path file) throws IOException {
        AtomicFile.write(file, toBytes(model));
    }

    static Sequential read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            // else the bare "IOException: Is a directory", without the path
            throw new IOException(file + " is a directory; expected a model file (one written by Sequential.save)");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "no model file there");
        }
        return fromBytes(bytes, file.toString());
    }

    /** The model's file content. */
    public static byte[] toBytes(Sequential model) throws IOException {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(payload);
        out.writeUTF(Version.NNTUNE);
        writeInts(out, model.inputShape());
        out.writeInt(model.layers().size());
        for (Layer l : model.layers()) {
            out.writeUTF(l.kind());
            l.writeConfig(out);
        }
        out.writeUTF(model.loss().kind());
        model.loss().writeConfig(out);
        out.writeLong(model.initSeed());
        Transforms.write(model.preprocessing(), out);
        out.writeBoolean(model.targetScaling().isPresent());
        if (model.targetScaling().isPresent()) {
            Transforms.write(model.targetScaling().get(), out);
        }
        out.writeBoolean(model.changeFromLastInput());
        for (Layer l : model.layers()) {
            out.writeInt(l.params().size());
            for (Param p : l.params()) {
                out.writeUTF(p.name());
                writeFloats(out, p.value().data());
            }
            out.writeInt(l.buffers().size());
            for (Tensor t : l.buffers()) {
                writeFloats(out, t.data());
            }
        }
        Provenance p = model.provenance();
        out.writeLong(p.fitSeed());
        out.writeUTF(p.dataName());
        out.writeUTF(p.dataFingerprint());
        writeInts(out, p.dataShape());
        out.writeInt(p.hyperparameters().size());
        for (Map.Entry<String, String> e : p.hyperparameters().entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
        out.flush();
        byte[] body = payload.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(body);
        ByteBuffer file = ByteBuffer.allocate(HEADER + body.length + 4);
        file.putInt(MAGIC).putInt(FORMAT_VERSION).putLong(body.length).put(body).putInt((int) crc.getValue());
        return file.array();
    }

    /** Reads a model from a file's content; {@code source} names it in error messages. */
    public static Sequential fromBytes(byte[] bytes, String source) throws ModelFileException {
        if (bytes.length < 8 || ByteBuffer.wrap(bytes).getInt() != MAGIC) {
            throw new ModelFileException(source + ": not an nntune model file (it does not start with \"NNTM\")");
        }
        ByteBuffer head = ByteBuffer.wrap(bytes);
        head.getInt();
        int version = head.getInt();
        if (version > FORMAT_VERSION) {
            throw new ModelFileException(source + ": model file format version " + version + " was written by a newer nntune; this nntune ("
                    + Version.NNTUNE + ") reads versions up to " + FORMAT_VERSION + ". Upgrade nntune to load it.");
        }
        if (version < 1) {
            throw new ModelFileException(source + ": corrupt model file (format version " + version + ")");
        }
        if (bytes.length < HEADER) {
            throw new ModelFileException(source + ": truncated model file: " + bytes.length + " bytes, shorter than its header");
        }
        long length = head.getLong();
        long expected = HEADER + length + 4;
        if (length < 0 || bytes.length < expected) {
            throw new ModelFileException(source + ": truncated model file: " + bytes.length + " bytes, the header announces "
                    + expected);
        }
        if (bytes.length > expected) {
            throw new ModelFileException(source + ": corrupt model file: " + (bytes.length - expected)
                    + " bytes after the end the header announces");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, HEADER, (int) length);
        int stored = ByteBuffer.wrap(bytes, HEADER + (int) length, 4).getInt();
        if (stored != (int) crc.getValue()) {
            throw new ModelFileException(source + ": corrupt model file: checksum mismatch (the content was changed or damaged)");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, HEADER, (int) length));
        try {
            Sequential model = readPayload(in, version);
            if (in.available() > 0) {
                throw new ModelFileException(source + ": corrupt model file: " + in.available() + " unread bytes in the payload");
            }
            return model;
        } catch (EOFException e) {
            throw new ModelFileException(source + ": corrupt model file: the payload ends early", e);
        } catch (ModelFileException e) {
            throw new ModelFileException(source + ": " + e.getMessage(), e);
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            throw new ModelFileException(source + ": corrupt model file: " + e.getMessage(), e);
        }
    }

    private static Sequential readPayload(DataInputStream in, int version) throws IOException {
        String writtenBy = in.readUTF();
        int[] input = readInts(in);
        int layerCount = count(in.readInt(), "layers");
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < layerCount; i++) {
            layers.add(Layers.read(in.readUTF(), in));
        }
        Loss loss = Losses.read(in.readUTF(), in);
        long initSeed = in.readLong();
        FittedTransform transform = Transforms.read(in);
        java.util.Optional<StandardScaler> targetScaler = java.util.Optional.empty();
        if (version >= 2 && in.readBoolean()) {
            if (!(Transforms.read(in) instanceof StandardScaler scaler)) {
                throw new ModelFileException("corrupt model file: the target scaling is not a standard scaler");
            }
            targetScaler = java.util.Optional.of(scaler);
        }
        boolean change = version >= 3 && in.readBoolean(); // earlier files learned the targets themselves
        Sequential model = new Sequential(input, layers, loss, transform, targetScaler, change, initSeed);
        List<float[]> values = new ArrayList<>();
        for (Layer l : model.layers()) {
            int pc = in.readInt();
            if (pc != l.params().size()) {
                throw new ModelFileException("corrupt model file: layer " + l.kind() + " has " + l.params().size()
                        + " parameters, the file " + pc);
            }
            for (Param p : l.params()) {
                String name = in.readUTF();
                if (!name.equals(p.name())) {
                    throw new ModelFileException("corrupt model file: expected parameter '" + p.name() + "' of " + l.kind() + ", found '" + name + "'");
                }
                values.add(readFloats(in, p.size(), l.kind() + " " + name));
            }
            int bc = in.readInt();
            if (bc != l.buffers().size()) {
                throw new ModelFileException("corrupt model file: layer " + l.kind() + " has " + l.buffers().size()
                        + " statistics, the file " + bc);
            }
            for (Tensor t : l.buffers()) {
                values.add(readFloats(in, t.size(), l.kind() + " statistics"));
            }
        }
        long fitSeed = in.readLong();
        String dataName = in.readUTF();
        String fingerprint = in.readUTF();
        int[] dataShape = readInts(in);
        int m = count(in.readInt(), "hyperparameters");
        Map<String, String> hp = new LinkedHashMap<>();
        for (int i = 0; i < m; i++) {
            hp.put(in.readUTF(), in.readUTF());
        }
        model.setWeights(new Sequential.Weights(values));
        model.setProvenance(new Provenance(initSeed, fitSeed, dataName, fingerprint, dataShape, hp, writtenBy));
        return model;
    }

    private static int count(int c, String what) throws ModelFileException {
        if (c < 0 || c > 1_000_000) {
            throw new ModelFileException("corrupt model file: " + c + " " + what);
        }
        return c;
    }

    private static void writeInts(DataOutputStream out, int[] v) throws IOException {
        out.writeInt(v.length);
        for (int x : v) {
            out.writeInt(x);
        }
    }

    private static int[] readInts(DataInputStream in) throws IOException {
        int[] v = new int[count(in.readInt(), "dimensions")];
        for (int i = 0; i < v.length; i++) {
            v[i] = in.readInt();
        }
        return v;
    }

    private static void writeFloats(DataOutputStream out, float[] v) throws IOException {
        out.writeInt(v.length);
        ByteBuffer b = ByteBuffer.allocate(4 * v.length);
        b.asFloatBuffer().put(v);
        out.write(b.array());
    }

    private static float[] readFloats(DataInputStream in, int expected, String what) throws IOException {
        int n = in.readInt();
        if (n != expected) {
            throw new ModelFileException("corrupt model file: " + what + " has " + n + " values, the architecture needs " + expected);
        }
        byte[] raw = new byte[4 * n];
        in.readFully(raw);
        float[] v = new float[n];
        ByteBuffer.wrap(raw).asFloatBuffer().get(v);
        return v;
    }
}

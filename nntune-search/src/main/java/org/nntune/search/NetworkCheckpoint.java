package org.nntune.search;

import org.nntune.nn.model.Sequential;
import org.nntune.nn.optim.OptimizerState;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A network in the middle of training, as bytes: everything a member of population-based training
 * needs to continue in another process exactly where it stopped.
 *
 * <pre>
 * magic "NNTC", int version 1
 * int epoch                     epochs trained so far
 * long seed                     the seed of the training's random streams (kept by a member that copies it)
 * int W, W × (int n, n floats)  the weights and running statistics, as Sequential.weights() lists them
 * UTF kind, int steps, int B, B × (int n, n floats)   the optimiser's state
 * int CRC-32 of everything before it
 * </pre>
 *
 * @param weights the model's parameters and running statistics
 * @param optimizer the optimiser's state after the last step
 * @param epoch epochs trained so far
 * @param seed the seed of the training's random streams
 */
public record NetworkCheckpoint(Sequential.Weights weights, OptimizerState optimizer, int epoch, long seed) {
    private static final int MAGIC = 0x4E4E5443; // "NNTC"
    private static final int VERSION = 1;

    /** @return the checkpoint as bytes */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(epoch);
            out.writeLong(seed);
            writeArrays(out, weights.values());
            out.writeUTF(optimizer.kind());
            out.writeInt(optimizer.steps());
            writeArrays(out, optimizer.buffers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] body = bytes.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(body);
        byte[] all = Arrays.copyOf(body, body.length + 4);
        int c = (int) crc.getValue();
        for (int i = 0; i < 4; i++) {
            all[body.length + i] = (byte) (c >>> (24 - 8 * i));
        }
        return all;
    }

    /**
     * Reads {@link #toBytes()}'s bytes.
     *
     * @throws IllegalArgumentException if they are not a checkpoint, of a newer version, or corrupt
     */
    public static NetworkCheckpoint fromBytes(byte[] all) {
        if (all.length < 12) {
            throw new IllegalArgumentException("not a network checkpoint: " + all.length + " bytes");
        }
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 4);
        int stored = ((all[all.length - 4] & 0xFF) << 24) | ((all[all.length - 3] & 0xFF) << 16)
                | ((all[all.length - 2] & 0xFF) << 8) | (all[all.length - 1] & 0xFF);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - 4))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a network checkpoint (no NNTC magic)");
            }
            int version = in.readInt();
            if (version > VERSION) {
                throw new IllegalArgumentException("network checkpoint version " + version + " is newer than this nntune's ("
                        + VERSION + "); upgrade nntune");
            }
            if ((int) crc.getValue() != stored) {
                throw new IllegalArgumentException("the network checkpoint is corrupt (checksum mismatch)");
            }
            int epoch = in.readInt();
            long seed = in.readLong();
            List<float[]> weights = readArrays(in);
            String kind = in.readUTF();
            int steps = in.readInt();
            List<float[]> buffers = readArrays(in);
            return new NetworkCheckpoint(new Sequential.Weights(weights), new OptimizerState(kind, steps, buffers), epoch,
                    seed);
        } catch (IOException e) {
            throw new IllegalArgumentException("the network checkpoint is truncated: " + e, e);
        }
    }

    private static void writeArrays(DataOutputStream out, List<float[]> arrays) throws IOException {
        out.writeInt(arrays.size());
        for (float[] a : arrays) {
            out.writeInt(a.length);
            for (float f : a) {
                out.writeFloat(f);
            }
        }
    }

    private static List<float[]> readArrays(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<float[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] a = new float[in.readInt()];
            for (int j = 0; j < a.length; j++) {
                a[j] = in.readFloat();
            }
            out.add(a);
        }
        return out;
    }
}

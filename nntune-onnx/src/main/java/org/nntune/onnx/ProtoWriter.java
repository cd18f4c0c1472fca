package org.nntune.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One protobuf message in the making, in the wire format (protobuf's "Encoding" documentation):
 * each field is a key {@code (number << 3) | wireType} as a varint, then the value — a varint
 * (wire type 0), 4 little-endian bytes (5), or a length-delimited run of bytes (2) for strings,
 * bytes, nested messages and packed repeated numbers. Fields are appended in the order of the
 * calls; a nested message is built in its own writer and appended whole with {@link #message},
 * so no length has to be known in advance.
 */
final class ProtoWriter {
    private static final int VARINT = 0;
    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED32 = 5;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** An int32, int64 or enum field; negative values take 10 bytes, as protobuf writes them. */
    ProtoWriter varint(int field, long value) {
        key(field, VARINT);
        rawVarint(value);
        return this;
    }

    ProtoWriter fixedFloat(int field, float value) {
        key(field, FIXED32);
        int bits = Float.floatToRawIntBits(value);
        for (int i = 0; i < 4; i++) {
            out.write(bits >>> (8 * i));
        }
        return this;
    }

    ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    ProtoWriter bytes(int field, byte[] value) {
        key(field, LENGTH_DELIMITED);
        rawVarint(value.length);
        out.writeBytes(value);
        return this;
    }

    ProtoWriter message(int field, ProtoWriter nested) {
        return bytes(field, nested.toBytes());
    }

    /** Floats as little-endian IEEE 754 bytes (ONNX's {@code raw_data}). */
    static byte[] littleEndian(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    /** int64 values as little-endian bytes (ONNX's {@code raw_data}). */
    static byte[] littleEndian(long[] values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return b.array();
    }

    /** int32 values as little-endian bytes (ONNX's {@code raw_data}). */
    static byte[] littleEndian(int[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return b.array();
    }

    byte[] toBytes() {
        return out.toByteArray();
    }

    private void key(int field, int wireType) {
        rawVarint(((long) field << 3) | wireType);
    }

    private void rawVarint(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}

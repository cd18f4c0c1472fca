package org.nntune.nn.layer;

import java.io.DataInputStream;
import java.io.IOException;

/** Reads layers back from the configuration {@link Layer#writeConfig} wrote (model files). */
public final class Layers {
    private Layers() {}

    /** A new, unbuilt layer of {@code kind} with the configuration read from {@code in}. */
    public static Layer read(String kind, DataInputStream in) throws IOException {
        return switch (kind) {
            case "dense" -> new Dense(in.readInt(), initializer(in.readUTF()));
            case "conv2d" -> new Conv2D(in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt(),
                    in.readInt(), in.readInt(), initializer(in.readUTF()));
            case "maxpool2d" -> new MaxPool2D(in.readInt(), in.readInt(), in.readInt(), in.readInt());
            case "avgpool2d" -> new AvgPool2D(in.readInt(), in.readInt(), in.readInt(), in.readInt());
            case "flatten" -> new Flatten();
            case "dropout" -> new Dropout(in.readFloat());
            case "batchnorm" -> new BatchNorm(in.readFloat(), in.readFloat());
            case "embedding" -> new Embedding(in.readInt(), in.readInt(), in.readInt());
            case "lstm" -> new LSTM(in.readInt(), in.readInt(), in.readBoolean(), in.readFloat(),
                    enumValue(Recurrent.Readout.class, in.readUTF()));
            case "gru" -> new GRU(in.readInt(), in.readInt(), in.readBoolean(), in.readFloat(),
                    enumValue(Recurrent.Readout.class, in.readUTF()));
            case "conv1d" -> new Conv1D(in.readInt(), in.readInt());
            case "activation" -> new ActivationLayer(enumValue(Activation.class, in.readUTF()), in.readFloat());
            default -> throw new IOException("unknown layer kind '" + kind
                    + "' (written by a newer nntune?); known: dense, conv2d, maxpool2d, avgpool2d, flatten, dropout, batchnorm, activation, embedding, lstm, gru, conv1d");
        };
    }

    private static Initializer initializer(String name) throws IOException {
        return enumValue(Initializer.class, name);
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String name) throws IOException {
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw new IOException("unknown " + type.getSimpleName() + " '" + name + "' in model file", e);
        }
    }
}

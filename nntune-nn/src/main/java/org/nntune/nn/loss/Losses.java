package org.nntune.nn.loss;

import java.io.DataInputStream;
import java.io.IOException;

/** Reads losses back from model files. */
public final class Losses {
    private Losses() {}

    /** The loss of {@code kind} with the configuration read from {@code in}. */
    public static Loss read(String kind, DataInputStream in) throws IOException {
        return switch (kind) {
            case "softmax_cross_entropy" -> {
                int c = in.readInt();
                if (c < 0 || c > 1_000_000) {
                    throw new IOException("corrupt model file: " + c + " class weights");
                }
                float[] w = new float[c];
                for (int i = 0; i < c; i++) {
                    w[i] = in.readFloat();
                }
                yield Loss.softmaxCrossEntropy(w);
            }
            case "binary_cross_entropy" -> Loss.binaryCrossEntropy();
            case "mse" -> {
                in.readFloat();
                yield Loss.mse();
            }
            case "mae" -> {
                in.readFloat();
                yield Loss.mae();
            }
            case "huber" -> Loss.huber(in.readFloat());
            default -> throw new IOException("unknown loss '" + kind
                    + "' (written by a newer nntune?); known: softmax_cross_entropy, binary_cross_entropy, mse, mae, huber");
        };
    }
}

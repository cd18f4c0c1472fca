package org.nntune.nn.data;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** Writing and reading fitted transforms, as model files embed them. */
public final class Transforms {
    private Transforms() {}

    /** Writes the kind, then the parameters. */
    public static void write(FittedTransform t, DataOutputStream out) throws IOException {
        out.writeUTF(t.kind());
        t.writeParameters(out);
    }

    /** Reads a transform written by {@link #write}; an unknown kind is an error naming it. */
    public static FittedTransform read(DataInputStream in) throws IOException {
        String kind = in.readUTF();
        return switch (kind) {
            case "identity" -> FittedTransform.identity(in.readInt());
            case StandardScaler.KIND -> StandardScaler.read(in);
            case MinMaxScaler.KIND -> MinMaxScaler.read(in);
            case PixelScaler.KIND -> PixelScaler.read(in);
            case Pipeline.KIND -> Pipeline.read(in);
            case TokenLimit.KIND -> TokenLimit.read(in);
            default -> throw new IOException("unknown preprocessing kind '" + kind
                    + "' in model file (written by a newer nntune?); known: identity, standard, minmax, pixel, pipeline, token-limit");
        };
    }
}

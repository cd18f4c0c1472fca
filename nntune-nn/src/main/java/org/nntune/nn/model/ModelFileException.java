package org.nntune.nn.model;

import java.io.IOException;

/** A model file that cannot be read: not a model file, corrupt, truncated, or of a newer format version. */
public final class ModelFileException extends IOException {
    ModelFileException(String message) {
        super(message);
    }

    ModelFileException(String message, Throwable cause) {
        super(message, cause);
    }
}

package org.nntune.onnx;

/** A model that ONNX cannot express (a layer or preprocessing step without an ONNX form); the message names it. */
public final class OnnxExportException extends IllegalArgumentException {
    /** @param message what has no ONNX form, and where */
    public OnnxExportException(String message) {
        super(message);
    }
}

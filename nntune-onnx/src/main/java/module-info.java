/**
 * nntune-nn models exported to ONNX, with their preprocessing. Needs only the engine (the
 * protobuf is written by its own small writer).
 */
module org.nntune.onnx {
    requires transitive org.nntune.nn;

    exports org.nntune.onnx;
}

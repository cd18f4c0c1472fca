/**
 * nntune's neural-network engine: data, tensors and thread budgets, layers, losses, optimisers,
 * models and metrics. Depends on nothing. The kernels ({@code org.nntune.nn.internal.kernels})
 * are not exported: layers, losses and optimisers use them, users choose a path with the system
 * property {@code nntune.kernels} only.
 */
module org.nntune.nn {
    // the Vector API kernels: compiled against the incubator module, loaded reflectively only
    // when it is in the JVM (--add-modules jdk.incubator.vector); without it the plain-Java path runs
    requires static jdk.incubator.vector;

    exports org.nntune.nn.data;
    exports org.nntune.nn.layer;
    exports org.nntune.nn.loss;
    exports org.nntune.nn.metric;
    exports org.nntune.nn.model;
    exports org.nntune.nn.optim;
    exports org.nntune.nn.tensor;
}

package org.nntune.nn.model;

import org.nntune.nn.layer.Layer;
import org.nntune.nn.loss.Targets;

import java.util.List;

/**
 * Every buffer one pass over a batch of a fixed size needs: the input, each layer's output,
 * the gradients (training only), the layers' caches and the targets. Made once per batch size
 * and reused, so the training loop allocates nothing per batch; each thread of inference uses
 * its own.
 */
final class Workspace {
    final int batch;
    final int targetDim;
    /** Floats in the activations, a measure of the workspace's size. */
    final long floats;
    final float[][] acts;
    final float[][] grads;
    final Layer.Cache[] caches;
    final int[] labels;
    final float[] values;
    final Targets targets;
    /** The rows' lengths, for networks over sequences. */
    final int[] lengths;

    Workspace(List<Layer> layers, int depth, int batch, int inputSize, int targetDim, boolean training) {
        this.batch = batch;
        this.targetDim = targetDim;
        acts = new float[depth + 1][];
        grads = training ? new float[depth + 1][] : null;
        caches = new Layer.Cache[depth];
        acts[0] = new float[batch * inputSize];
        for (int i = 0; i < depth; i++) {
            Layer l = layers.get(i);
            acts[i + 1] = new float[batch * l.outputSize()];
            caches[i] = l.newCache(batch);
            if (training) {
                grads[i + 1] = new float[batch * l.outputSize()];
            }
        }
        labels = new int[batch];
        lengths = new int[batch];
        values = new float[batch * Math.max(1, targetDim)];
        targets = targetDim == 0 ? Targets.labels(labels) : Targets.values(values);
        long f = 0;
        for (float[] a : acts) {
            f += a.length;
        }
        floats = f;
    }

    /** The last layer's output. */
    float[] output() {
        return acts[acts.length - 1];
    }
}

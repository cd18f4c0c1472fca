package org.nntune.nn.model;

import org.junit.jupiter.api.Test;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.layer.ActivationLayer;
import org.nntune.nn.layer.Dense;
import org.nntune.nn.layer.Initializer;
import org.nntune.nn.loss.Loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SequentialTest {

    @Test
    void theKerasLikeBuilderAndItsSummary() {
        Sequential m = Sequential.builder().input(784).dense(128, Activation.RELU).dropout(0.2).dense(10).build();
        assertThat(m.parameterCount()).isEqualTo(784 * 128 + 128 + 128 * 10 + 10);
        assertThat(m.outputSize()).isEqualTo(10);
        assertThat(m.layers()).hasSize(4);
        assertThat(((Dense) m.layers().get(0)).initializer()).isEqualTo(Initializer.HE_UNIFORM);
        assertThat(((Dense) m.layers().get(3)).initializer()).isEqualTo(Initializer.GLOROT_UNIFORM);
        assertThat(m.summary()).contains("input [784]", "softmax cross-entropy", "dense", "[128]", "100,480", "dropout",
                "rate 0.2", "total trainable parameters: 101,770");
    }

    @Test
    void aConvolutionalNetwork() {
        Sequential m = Sequential.builder().input(1, 28, 28)
                .conv2d(8, 3, 1, 1, Activation.RELU).maxPool2d(2)
                .conv2d(16, 3, 2, 1, Activation.RELU).avgPool2d(7).flatten().dense(10).build();
        assertThat(m.layers().get(m.layers().size() - 2).outputShape()).containsExactly(16);
        assertThat(m.summary()).contains("[8, 28, 28]", "[8, 14, 14]", "[16, 7, 7]", "[16, 1, 1]", "3x3, stride 2, padding 1");
        assertThat(m.parameterCount()).isEqualTo(8 * 9 + 8 + 16 * 72 + 16 + 16 * 10 + 10);
    }

    /** Padding as wide as the image or wider: the window sees zeros there; training runs and follows the kernels. */
    @Test
    void aConvolutionWhosePaddingIsWiderThanTheImageTrains() {
        int rows = 16;
        float[] x = new float[rows * 16];
        int[] labels = new int[rows];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble();
        for (int i = 0; i < rows; i++) labels[i] = i % 2;
        org.nntune.nn.data.Dataset d = org.nntune.nn.data.Dataset.classification("d", x, new int[] {1, 4, 4}, labels,
                java.util.List.of(), java.util.List.of("a", "b"));
        for (int[] kp : new int[][] {{11, 5}, {9, 4}, {8, 5}}) {
            Sequential m = Sequential.builder().input(1, 4, 4).conv2d(2, kp[0], 1, kp[1], Activation.RELU).flatten().dense(2)
                    .seed(1).build();
            int out = 4 + 2 * kp[1] - kp[0] + 1;
            assertThat(m.layers().get(0).outputShape()).containsExactly(2, out, out);
            History h = m.fit(d, FitOptions.builder().epochs(2).batchSize(8).build());
            assertThat(h.epochCount()).as("kernel %d, padding %d", kp[0], kp[1]).isEqualTo(2);
            assertThat(m.evaluate(d).loss()).isFinite();
        }
        // a window larger than the image without padding enough is meaningless: refused at build(), naming the layer
        assertThatThrownBy(() -> Sequential.builder().input(1, 4, 4).conv2d(2, 15, 1, 5, Activation.RELU).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer 1 (conv2d): window 15 with stride 1 and padding 5 does not fit an input of size 4");
        assertThatThrownBy(() -> Sequential.builder().input(1, 4, 4).conv2d(2, 3, Activation.RELU).maxPool2d(3).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer 3 (maxpool2d): window 3 with stride 3 and padding 0 does not fit an input of size 2");
    }

    @Test
    void theBuilderBuildsFreshNetworksEachTime() {
        Sequential.Builder b = Sequential.builder().input(3).dense(2).seed(4);
        Sequential one = b.build();
        Sequential two = b.build();
        assertThat(one.layers().get(0)).isNotSameAs(two.layers().get(0));
        assertThat(one.weights().values().get(0)).isEqualTo(two.weights().values().get(0));
    }

    @Test
    void aTrailingSoftmaxIsFusedIntoTheLoss() {
        Sequential withSoftmax = Sequential.builder().input(3).dense(4, Activation.SOFTMAX).seed(1).build();
        Sequential without = Sequential.builder().input(3).dense(4).seed(1).build();
        assertThat(withSoftmax.depth()).isEqualTo(1);
        float[] x = {0.5f, -1f, 2f};
        assertThat(withSoftmax.outputs(x, 1)).isEqualTo(without.outputs(x, 1));
        // with a regression loss the softmax stays a layer
        Sequential mse = Sequential.builder().input(3).dense(4, Activation.SOFTMAX).loss(Loss.mse()).build();
        assertThat(mse.depth()).isEqualTo(2);
    }

    @Test
    void mistakesGetMessagesThatSayWhatAndWhere() {
        assertThatThrownBy(() -> Sequential.builder().dense(3).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("call input(...)");
        assertThatThrownBy(() -> Sequential.builder().input(3).build()).hasMessageContaining("at least one layer");
        assertThatThrownBy(() -> Sequential.builder().input(784).dense(10).conv2d(4, 3, Activation.RELU).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer 2 (conv2d): conv2d needs an image input [channels, height, width], got [10]");
        assertThatThrownBy(() -> Sequential.builder().input(1, 4, 4).conv2d(2, 5, Activation.RELU).build())
                .hasMessageContaining("layer 1 (conv2d): window 5 with stride 1 and padding 0 does not fit an input of size 4");
        assertThatThrownBy(() -> Sequential.builder().input(3).dense(1).build())
                .hasMessageContaining("softmax cross-entropy needs at least 2 outputs");
        assertThatThrownBy(() -> Sequential.builder().input(3, 0)).hasMessageContaining("non-positive");
        assertThatThrownBy(() -> Sequential.builder().input(3).dropout(-0.1f)).hasMessageContaining("dropout rate");
        assertThatThrownBy(() -> Sequential.builder().input(3).dense(2).preprocessing(org.nntune.nn.data.FittedTransform.identity(5)).build())
                .hasMessageContaining("the preprocessing expects 5 features");
        assertThatThrownBy(() -> Sequential.builder().input(3).dense(2).build().outputs(new float[5], 2))
                .hasMessageContaining("2 rows of 3 features need 6 values, got 5");
        ActivationLayer shared = new ActivationLayer(Activation.TANH);
        Sequential.Builder b = Sequential.builder().input(2).dense(2).layer(shared);
        b.build();
        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("already built");
    }

    @Test
    void weightsSnapshotAndRestore() {
        Sequential m = Sequential.builder().input(3).dense(2).batchNorm().seed(1).build();
        Sequential.Weights w = m.weights();
        m.parameters().get(0).value().data()[0] = 42f;
        m.layers().get(1).buffers().get(0).data()[0] = 7f;
        m.setWeights(w);
        assertThat(m.parameters().get(0).value().data()[0]).isNotEqualTo(42f);
        assertThat(m.layers().get(1).buffers().get(0).data()[0]).isEqualTo(0f);
        Sequential other = Sequential.builder().input(4).dense(2).build();
        assertThatThrownBy(() -> other.setWeights(w)).hasMessageContaining("weights of 6 tensors for a model with 2");
    }

    @Test
    void restoringWeightsCopiesEachTensorOnceAndNothingMore() {
        // setWeights used to call Weights.values(), which copies the whole model, three times per tensor
        java.util.function.LongSupplier allocatedSoFar = org.nntune.nn.testing.ThreadAllocations.counter();
        Sequential m = Sequential.builder().input(256).dense(512).dense(512).dense(512).dense(10).seed(3).build();
        Sequential.Weights w = m.weights();
        long modelBytes = 4L * m.parameterCount();
        m.setWeights(w); // warm: whatever a first call loads
        m.parameters().get(4).value().data()[5] = 42f;
        long before = allocatedSoFar.getAsLong();
        m.setWeights(w);
        long allocated = allocatedSoFar.getAsLong() - before;
        assertThat(m.parameters().get(4).value().data()[5]).isEqualTo(w.values().get(4)[5]);
        assertThat(allocated).as("bytes allocated restoring a model of %d bytes", modelBytes).isLessThan(modelBytes / 10);
        Sequential wider = Sequential.builder().input(256).dense(513).dense(512).dense(512).dense(10).build();
        assertThatThrownBy(() -> wider.setWeights(w)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weight tensor 0 has 131072 values, the model's has 131328");
    }
}

package org.nntune.nn.data;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PreprocessingTest {

    static Dataset small() {
        // column 0: 1, 2, 3, 10 ; column 1: constant 5 ; column 2: 0, 0, 4, 4
        float[] x = {1, 5, 0, 2, 5, 0, 3, 5, 4, 10, 5, 4};
        return Dataset.classification("s", x, new int[] {3}, new int[] {0, 1, 0, 1}, List.of(), List.of("a", "b"));
    }

    static FittedTransform roundTrip(FittedTransform t) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Transforms.write(t, new DataOutputStream(bytes));
        return Transforms.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    }

    @Test
    void standardScalerFitsOnTheTrainingRowsOnly() throws IOException {
        Dataset data = small();
        Split split = new Split(new int[] {0, 1, 2}, new int[] {3});
        StandardScaler s = StandardScaler.fit(split.train(data));
        assertThat(s.mean()).containsExactly(2f, 5f, 4f / 3);
        assertThat(s.scale()[0]).isCloseTo((float) Math.sqrt(2.0 / 3), within(1e-6f)); // population std of 1,2,3
        assertThat(s.scale()[1]).isEqualTo(1f);                                           // constant column
        Dataset test = s.apply(split.test(data));
        assertThat(test.feature(0, 0)).isCloseTo((10 - 2) / (float) Math.sqrt(2.0 / 3), within(1e-4f));
        assertThat(test.feature(0, 1)).isEqualTo(0f);
        Dataset train = s.apply(split.train(data));
        double sum = 0;
        for (int i = 0; i < 3; i++) sum += train.feature(i, 0);
        assertThat(sum).isCloseTo(0, within(1e-6));
        assertThat(data.feature(3, 0)).isEqualTo(10f); // the input set is untouched
        assertThat(roundTrip(s)).isEqualTo(s);
    }

    @Test
    void minMaxScalerMapsTrainingRowsToTheUnitInterval() throws IOException {
        Dataset data = small();
        MinMaxScaler m = MinMaxScaler.fit(data.subset(new int[] {0, 1, 2}));
        assertThat(m.min()).containsExactly(1f, 5f, 0f);
        assertThat(m.range()).containsExactly(2f, 1f, 4f);
        Dataset all = m.apply(data);
        assertThat(all.features()).containsExactly(0f, 0f, 0f, 0.5f, 0f, 0f, 1f, 0f, 1f, 4.5f, 0f, 1f);
        assertThat(roundTrip(m)).isEqualTo(m);
    }

    @Test
    void pixelScalerAndPipeline() throws IOException {
        float[] x = {0, 255, 51};
        PixelScaler p = PixelScaler.of(3);
        p.transform(x, 0, 1);
        assertThat(x).containsExactly(0f, 1f, 0.2f);
        assertThat(roundTrip(p)).isEqualTo(p);

        Preprocessor chain = Preprocessor.chain(Preprocessor.minMax(), Preprocessor.standard());
        assertThat(chain.name()).isEqualTo("minmax+standard");
        FittedTransform t = chain.fit(small());
        assertThat(t).isInstanceOf(Pipeline.class);
        Dataset out = t.apply(small());
        assertThat(out.feature(0, 2)).isCloseTo(-1f, within(1e-6f)); // column 2 is 0,0,1,1 after min-max: standardised ±1
        FittedTransform back = roundTrip(t);
        assertThat(back).isEqualTo(t);
        assertThat(back.apply(small()).features()).isEqualTo(out.features());
    }

    @Test
    void preprocessorsByName() {
        for (String n : List.of("none", "standard", "minmax", "pixels")) {
            assertThat(Preprocessor.byName(n).name()).isEqualTo(n);
            assertThat(Preprocessor.byName(n).fit(small()).featureCount()).isEqualTo(3);
        }
        assertThatThrownBy(() -> Preprocessor.byName("robust")).hasMessageContaining("'robust'");
    }

    @Test
    void badParametersAndMismatchedData() {
        assertThatThrownBy(() -> new StandardScaler(new float[] {0}, new float[] {0})).hasMessageContaining("positive scale");
        assertThatThrownBy(() -> new PixelScaler(3, 0)).hasMessageContaining("positive");
        assertThatThrownBy(() -> PixelScaler.of(5).apply(small())).hasMessageContaining("fitted on 5 features");
        assertThatThrownBy(() -> new Pipeline(List.of(PixelScaler.of(3), PixelScaler.of(4)))).hasMessageContaining("step 1");
        assertThatThrownBy(() -> StandardScaler.fit(small().subset(new int[0]))).hasMessageContaining("no rows");
    }

    @Test
    void insideCrossValidationEachFoldIsScaledWithItsOwnTrainingPartOnly() {
        Dataset iris = Datasets.iris();
        for (Split fold : Splits.stratifiedKFold(iris, 5, 42)) {
            StandardScaler s = (StandardScaler) Preprocessor.standard().fit(fold.train(iris));
            double sum = 0;
            for (int r : fold.train()) sum += iris.feature(r, 2);
            assertThat(s.mean()[2]).isCloseTo((float) (sum / fold.train().length), within(1e-5f));
            double withTest = sum;
            for (int r : fold.test()) withTest += iris.feature(r, 2);
            assertThat(s.mean()[2]).isNotEqualTo((float) (withTest / 150)); // the held-out rows did not count
            Dataset scaledTest = s.apply(fold.test(iris));
            assertThat(scaledTest.size()).isEqualTo(30);
        }
    }
}

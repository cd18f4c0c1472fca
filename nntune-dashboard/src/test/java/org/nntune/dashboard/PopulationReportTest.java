package org.nntune.dashboard;

import org.junit.jupiter.api.Test;
import org.nntune.tune.population.PbtOptions;
import org.nntune.tune.population.PopulationHistory;
import org.nntune.tune.population.PopulationObjective;
import org.nntune.tune.population.PopulationTraining;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.study.StudyDirection;
import org.w3c.dom.Element;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The population and lineage plots of a population-based training study, from its storage. */
class PopulationReportTest {

    /** A member is one number walking towards the optimum 3 at a rate of its hyperparameter. */
    private static final PopulationObjective WALK = (params, checkpoint, seed) -> {
        double rate = ((Number) params.get("rate")).doubleValue();
        double scale = ((Number) params.get("scale")).doubleValue();
        double[] x = {checkpoint.map(b -> ByteBuffer.wrap(b).getDouble()).orElse(-5.0 + (seed & 7))};
        return new PopulationObjective.Member() {
            @Override
            public double trainEpoch(int epoch) {
                x[0] += rate * scale * (3 - x[0]);
                return Math.abs(3 - x[0]);
            }

            @Override
            public byte[] save() {
                return ByteBuffer.allocate(8).putDouble(x[0]).array();
            }
        };
    };

    @Test
    void aPbtStudyGetsItsPopulationAndLineagePlots() {
        Storage storage = new InMemoryStorage();
        Map<String, Distribution> space = new LinkedHashMap<>();
        space.put("rate", FloatDistribution.logUniform(0.01, 0.5));
        space.put("scale", CategoricalDistribution.of(0.5, 1.0, 2.0));
        PbtOptions o = PbtOptions.defaults(4, 1, 5).withTiming(Duration.ofMillis(100), Duration.ofSeconds(10),
                Duration.ofMillis(5));
        PopulationTraining pbt = PopulationTraining.createOrLoad(storage, "walk", StudyDirection.MINIMIZE, space, o);
        PopulationHistory h = pbt.run(WALK);
        String html = HtmlReport.fromStorage(storage, "walk").html();

        List<Element> population = SvgParse.withClass(html, "population");
        assertThat(population).hasSize(2); // one plot per hyperparameter
        for (Element svg : population) {
            assertThat(SvgParse.marks(svg, "polyline", "member-line")).hasSize(4);
            assertThat(SvgParse.marks(svg, "line", "exploit")).hasSize(h.lineage().size());
        }
        Element lineage = SvgParse.withClass(html, "lineage").get(0);
        assertThat(SvgParse.marks(lineage, "circle", "node")).hasSize(20);
        assertThat(SvgParse.marks(lineage, "circle", "ancestor")).hasSize(5);
        assertThat(SvgParse.marks(lineage, "line", "edge")).hasSize(16);
        assertThat(SvgParse.marks(lineage, "line", "exploit")).hasSize(h.lineage().size());
        assertThat(SvgParse.marks(lineage, "polyline", "best-line")).hasSize(1);
        assertThat(html).contains("href=\"#lineage\"");
    }

    @Test
    void otherStudiesHaveNoPopulationSection() {
        String html = HtmlReport.of(ExampleStudies.singleObjective("plain", 50, 1)).html();
        assertThat(SvgParse.withClass(html, "population")).isEmpty();
        assertThat(html).doesNotContain("href=\"#lineage\"");
    }
}

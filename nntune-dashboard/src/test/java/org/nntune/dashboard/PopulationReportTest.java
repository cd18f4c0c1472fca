package org.nntune.dashboard;

import org.junit.jupiter.api.Test;
import org.nntune.tune.population.PopulationHistory;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.storage.Storage;
import org.w3c.dom.Element;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The population and lineage plots of a population-based training study, from its storage. */
class PopulationReportTest {

    @Test
    void aPbtStudyGetsItsPopulationAndLineagePlots() {
        Storage storage = new InMemoryStorage();
        PopulationHistory h = WalkPopulation.run(storage, "walk");
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

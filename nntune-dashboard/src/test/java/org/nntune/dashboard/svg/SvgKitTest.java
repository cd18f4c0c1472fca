package org.nntune.dashboard.svg;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SvgKitTest {

    @Test
    void numbersAreFormattedWithoutLocaleAndWithSixSignificantDigits() {
        assertThat(Fmt.num(0.1 + 0.2)).isEqualTo("0.3");
        assertThat(Fmt.num(1234567.0)).isEqualTo("1.23457e+06");
        assertThat(Fmt.num(0.000012345)).isEqualTo("1.2345e-05");
        assertThat(Fmt.num(-42)).isEqualTo("-42");
        assertThat(Fmt.num(1e-4)).isEqualTo("0.0001");
        assertThat(Fmt.num(-0.0)).isEqualTo("0");
        assertThat(Fmt.num(Double.NaN)).isEqualTo("NaN");
        assertThat(Fmt.num(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
        assertThat(Fmt.coord(12.34)).isEqualTo("12.3");
        assertThat(Fmt.coord(-0.04)).isEqualTo("0");
        assertThat(Fmt.coord(-3.96)).isEqualTo("-4");
        assertThat(Fmt.count(100000)).isEqualTo("100,000");
        assertThat(Fmt.seconds(0.25)).isEqualTo("250 ms");
        assertThat(Fmt.seconds(245)).isEqualTo("4 min 05 s");
        assertThatThrownBy(() -> Fmt.coord(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finite");
    }

    @Test
    void niceTicksAreMultiplesOfOneTwoOrFive() {
        assertThat(Ticks.nice(0, 1, 5)).containsExactly(0.0, 0.2, 0.4, 0.6, 0.8, 1.0);
        assertThat(Ticks.nice(0.13, 0.92, 4)).containsExactly(0.2, 0.4, 0.6, 0.8);
        assertThat(Ticks.niceDomain(3, 97, 5)).containsExactly(0.0, 100.0);
        assertThat(Ticks.widen(5, 5)).containsExactly(4.5, 5.5);
        assertThat(Ticks.widen(0, 0)).containsExactly(-1.0, 1.0);
        assertThatThrownBy(() -> Ticks.step(1, 1, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finite lo < hi");
        LinearScale s = LinearScale.nice(0.13, 0.92, 0, 100, 4);
        assertThat(s.map(s.lo())).isEqualTo(0);
        assertThat(s.map(s.hi())).isEqualTo(100);
        assertThat(LinearScale.nice(1, 4, 0, 100, 6, true).ticks()).extracting(Scale.Tick::label)
                .containsExactly("1", "2", "3", "4");
    }

    @Test
    void logScalesTickAtPowersOfTenOrAtOneTwoFive() {
        LogScale wide = LogScale.of(1e-5, 1e-1, 0, 400);
        assertThat(wide.ticks()).extracting(Scale.Tick::label).containsExactly("1e-05", "0.0001", "0.001", "0.01", "0.1");
        assertThat(wide.map(1e-3)).isCloseTo(200, org.assertj.core.data.Offset.offset(1e-9));
        LogScale narrow = LogScale.of(8, 256, 0, 400);
        assertThat(narrow.ticks()).extracting(Scale.Tick::label).containsExactly("10", "20", "50", "100", "200");
        LogScale huge = LogScale.of(1e-20, 1e20, 0, 400);
        assertThat(huge.ticks().size()).isBetween(2, 9);
        assertThatThrownBy(() -> LogScale.of(0, 1, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
    }

    @Test
    void bandScalesCentreCategoriesInEqualBands() {
        BandScale b = new BandScale(List.of("sgd", "adam", "a very long category name indeed"), 0, 300);
        assertThat(b.map(0)).isEqualTo(50);
        assertThat(b.map(2)).isEqualTo(250);
        assertThat(b.bandWidth()).isEqualTo(100);
        assertThat(b.ticks().get(2).label()).isEqualTo("a very long cat…").hasSize(16);
        assertThatThrownBy(() -> new BandScale(List.of(), 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void escapingCoversMarkupQuotesAndCharactersXmlForbids() {
        assertThat(Xml.escape("a<b>&\"c\"'d'")).isEqualTo("a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;");
        assertThat(Xml.escape("plain")).isSameAs("plain");
        assertThat(Xml.escape("bell\u0007tab\t")).isEqualTo("bell\uFFFDtab\t");
        assertThat(Xml.escape("lone \uD800 surrogate")).isEqualTo("lone \uFFFD surrogate");
        assertThat(Xml.escape("pair \uD83D\uDE00")).isEqualTo("pair \uD83D\uDE00");
    }

    @Test
    void svgWriterEscapesAndRefusesMisuse() {
        Svg svg = new Svg(100, 50, "t", "a \"label\"");
        svg.group("g", "data-x", "<&>");
        svg.start("circle").attr("cx", 1.25).attr("class", "p").endWithTitle("<tip>");
        svg.text(1, 2, "c", "start", "a & b");
        svg.endGroup();
        String s = svg.finish();
        assertThat(s).isEqualTo("<svg class=\"t\" viewBox=\"0 0 100 50\" width=\"100\" height=\"50\" role=\"img\""
                + " aria-label=\"a &quot;label&quot;\"><g class=\"g\" data-x=\"&lt;&amp;&gt;\">"
                + "<circle cx=\"1.3\" class=\"p\"><title>&lt;tip&gt;</title></circle>"
                + "<text x=\"1\" y=\"2\" class=\"c\" text-anchor=\"start\">a &amp; b</text></g></svg>");
        Svg bad = new Svg(10, 10, "t", "t");
        assertThatThrownBy(() -> bad.attr("x", 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("start(tag)");
        bad.start("rect");
        assertThatThrownBy(bad::finish).isInstanceOf(IllegalStateException.class).hasMessageContaining("<rect> was not ended");
        Svg open = new Svg(10, 10, "t", "t").group("g");
        assertThatThrownBy(open::finish).isInstanceOf(IllegalStateException.class).hasMessageContaining("1 group(s) still open");
        assertThatThrownBy(() -> new Svg(10, 10, "t", "t").endGroup()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void colourScaleRunsFromDarkToBrightAndCanBeReversed() {
        ColorScale c = new ColorScale(0, 10, false);
        assertThat(c.color(0)).isEqualTo("#440154");
        assertThat(c.color(10)).isEqualTo("#fde725");
        assertThat(c.color(-5)).isEqualTo("#440154");
        assertThat(new ColorScale(0, 10, true).color(0)).isEqualTo("#fde725");
        assertThat(new ColorScale(3, 3, false).color(3)).isEqualTo(ColorScale.at(0.5));
        assertThatThrownBy(() -> new ColorScale(1, 0, false)).isInstanceOf(IllegalArgumentException.class);
    }
}

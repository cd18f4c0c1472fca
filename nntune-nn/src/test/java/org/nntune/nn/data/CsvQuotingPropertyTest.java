package org.nntune.nn.data;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.UniqueElements;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** Any category text survives RFC 4180 quoting: separators, quotes, line breaks, spaces. */
class CsvQuotingPropertyTest {

    static String quote(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    @Property(tries = 100)
    void quotedLabelsRoundTrip(@ForAll @Size(min = 2, max = 6) @UniqueElements
                               List<@StringLength(min = 1, max = 8) @Chars({'a', 'b', ',', '"', '\n', ' ', ';', 'é'}) String> labels) {
        StringBuilder csv = new StringBuilder("x,label\r\n");
        for (int i = 0; i < labels.size(); i++) {
            csv.append(i).append(".5,").append(quote(labels.get(i))).append("\r\n");
        }
        Dataset d = CsvReader.defaults()
                .read("q.csv", new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8))).dataset();
        assertThat(d.classNames()).containsExactlyElementsOf(new TreeSet<>(labels));
        List<String> back = new ArrayList<>();
        for (int i = 0; i < d.size(); i++) {
            back.add(d.classNames().get(d.label(i)));
            assertThat(d.feature(i, 0)).isEqualTo(i + 0.5f);
        }
        assertThat(back).isEqualTo(labels);
    }
}

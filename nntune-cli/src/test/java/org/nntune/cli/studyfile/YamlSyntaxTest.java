package org.nntune.cli.studyfile;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A YAML syntax error names the line of the problem, not of what the parser was scanning. */
class YamlSyntaxTest {
    @Test
    void aTabIsReportedAtItsOwnLine() {
        assertThatThrownBy(() -> YamlReader.read("tab.yaml", "study: x\ndata:\n  bundled: iris\nmodel:\n\tfamily: mlp\n"))
                .isInstanceOf(StudyFileException.class)
                .hasMessageStartingWith("tab.yaml, line 5: YAML syntax error").hasMessageContaining("TAB");
        assertThatThrownBy(() -> YamlReader.read("tab.yaml", "study: x\nmodel:\n  space:\n\t  units: 3\n"))
                .hasMessageStartingWith("tab.yaml, line 4: YAML syntax error");
    }

    @Test
    void anUnclosedListIsReportedWhereTheParserGaveUp() {
        assertThatThrownBy(() -> YamlReader.read("s.yaml", "study: x\ndata:\n  bundled: [iris\nmodel: {}\n"))
                .hasMessageStartingWith("s.yaml, line ").hasMessageContaining("YAML syntax error");
    }
}

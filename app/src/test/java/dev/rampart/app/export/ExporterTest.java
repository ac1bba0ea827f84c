package dev.rampart.app.export;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExporterTest {

    @Test
    void csvFieldsShouldBeQuotedPerRfc4180AndFormulasDefused() {
        assertThat(Exporter.csvField("plain")).isEqualTo("plain");
        assertThat(Exporter.csvField("a,b")).isEqualTo("\"a,b\"");
        assertThat(Exporter.csvField("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(Exporter.csvField("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(Exporter.csvField("=HYPERLINK(\"x\")")).startsWith("\"'=HYPERLINK");
        assertThat(Exporter.csvField("-1.5")).isEqualTo("-1.5");
        assertThat(Exporter.csvField("@sum")).isEqualTo("'@sum");
        assertThat(Exporter.csvField("\t=1+1")).isEqualTo("'\t=1+1");
    }
}

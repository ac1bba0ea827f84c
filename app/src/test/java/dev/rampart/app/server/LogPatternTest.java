package dev.rampart.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A log line of the server's text format is one line, whatever a message carries from input. */
class LogPatternTest {
    @Test
    void controlCharactersFromInputShouldNotStartANewLogLine() throws Exception {
        String xml;
        try (var in = getClass().getResourceAsStream("/logback.xml")) {
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher m = Pattern.compile("<pattern>(.*)</pattern>").matcher(xml);
        assertThat(m.find()).isTrue();
        String pattern = m.group(1).replace("&#xFFFD;", "\uFFFD");
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.setPattern(pattern);
        layout.start();
        LoggingEvent e = new LoggingEvent(
                "x", context.getLogger("rampart.audit"), Level.INFO, "{} user.sign-in failure", null, new Object[] {
                    "eve\n12:00:00.000 INFO  Audit [] admin user.delete success\u0000"
                });
        String line = layout.doLayout(e);
        assertThat(line).endsWith("\n");
        assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n", "\r", "\u0000");
        assertThat(line).contains("eve\uFFFD12:00:00.000 INFO");
    }
}

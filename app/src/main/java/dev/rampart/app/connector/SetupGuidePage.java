package dev.rampart.app.connector;

import dev.rampart.app.security.Permission;
import dev.rampart.app.security.Requires;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.ext.heading.anchor.HeadingAnchorExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The Entra ID setup guide (docs/setup-entra.md, packaged into the jar) as a page, with an anchor per heading, so that
 * the verify table links each missing permission to its step ({@code /help/setup-entra#grant-machinescan}), the step
 * the API and the command line name as {@code docs/setup-entra.md#grant-machinescan}. The guide is Rampart's own text; its raw HTML is not rendered.
 */
@Controller
public class SetupGuidePage {
    private final String html;

    public SetupGuidePage() {
        String markdown;
        try (InputStream in = SetupGuidePage.class.getResourceAsStream("/help/setup-entra.md")) {
            markdown = in == null
                    ? "The setup guide is missing from this build."
                    : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("could not read the setup guide", e);
        }
        var extensions = List.of(TablesExtension.create(), HeadingAnchorExtension.create());
        this.html = HtmlRenderer.builder()
                .extensions(extensions)
                .escapeHtml(true)
                .sanitizeUrls(true)
                .build()
                .render(Parser.builder().extensions(extensions).build().parse(markdown));
    }

    @GetMapping("/help/setup-entra")
    @Requires(Permission.AUTHENTICATED)
    public String guide(Model model) {
        model.addAttribute("guide", html);
        return "help/setup-entra";
    }
}

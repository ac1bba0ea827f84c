package dev.rampart.app.server;

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
 * Guides from docs/ (packaged into the jar under {@code help/}) as pages, with an anchor per heading: the Entra ID
 * setup guide, so that the verify table links each missing permission to its step
 * ({@code /help/setup-entra#grant-machinescan}, the step the API and the command line name as
 * {@code docs/setup-entra.md#grant-machinescan}), and the query language's guide. The guides are Rampart's own text;
 * their raw HTML is not rendered.
 */
@Controller
public class HelpPages {
    private final String setup = render("setup-entra.md");
    private final String queries = render("queries.md");

    private static String render(String name) {
        String markdown;
        try (InputStream in = HelpPages.class.getResourceAsStream("/help/" + name)) {
            markdown = in == null
                    ? "This guide is missing from this build."
                    : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("could not read the guide " + name, e);
        }
        var extensions = List.of(TablesExtension.create(), HeadingAnchorExtension.create());
        return HtmlRenderer.builder()
                .extensions(extensions)
                .escapeHtml(true)
                .sanitizeUrls(true)
                .build()
                .render(Parser.builder().extensions(extensions).build().parse(markdown));
    }

    @GetMapping("/help/setup-entra")
    @Requires(Permission.AUTHENTICATED)
    public String guide(Model model) {
        model.addAttribute("title", "Setting up the Entra ID application");
        model.addAttribute("guide", setup);
        return "help/guide";
    }

    @GetMapping("/help/queries")
    @Requires(Permission.AUTHENTICATED)
    public String queries(Model model) {
        model.addAttribute("title", "The query language");
        model.addAttribute("guide", queries);
        return "help/guide";
    }
}

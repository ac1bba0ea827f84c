package dev.rampart.app.security;

import org.springframework.http.MediaType;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * The sign-in form ({@code GET /login}; Spring Security handles the {@code POST}). Plain, accessible HTML: labelled
 * fields, the CSRF token, and one sentence when a sign-in failed (the same for a wrong name, a wrong password and a
 * locked account, so that the form does not tell which names exist).
 */
@RestController
public class SignInPage {
    private final org.springframework.beans.factory.ObjectProvider<
                    org.springframework.security.oauth2.client.registration.ClientRegistrationRepository>
            registrations;

    public SignInPage(
            org.springframework.beans.factory.ObjectProvider<
                            org.springframework.security.oauth2.client.registration.ClientRegistrationRepository>
                    registrations) {
        this.registrations = registrations;
    }

    @GetMapping(value = "/login", produces = MediaType.TEXT_HTML_VALUE)
    @Requires(Permission.PUBLIC)
    public String page(
            CsrfToken csrf,
            @RequestParam(required = false) String error,
            @RequestParam(required = false) String throttled,
            @RequestParam(required = false) String logout) {
        String message = throttled != null
                ? "<p role=\"alert\" class=\"error\">Too many sign-in attempts from your address. Wait a minute and"
                        + " try again.</p>"
                : error != null
                        ? "<p role=\"alert\" class=\"error\">The sign-in failed: a wrong user name or password, an"
                                + " account locked after repeated failures, or a single sign-on without a Rampart"
                                + " user.</p>"
                        : "";
        StringBuilder sso = new StringBuilder();
        if (registrations.getIfAvailable() instanceof Iterable<?> all) {
            for (Object o : all) {
                var r = (org.springframework.security.oauth2.client.registration.ClientRegistration) o;
                sso.append("<p><a href=\"/oauth2/authorization/")
                        .append(HtmlUtils.htmlEscape(r.getRegistrationId()))
                        .append("\">Sign in with ")
                        .append(HtmlUtils.htmlEscape(r.getClientName()))
                        .append("</a></p>");
            }
        }
        message = message + sso;
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
                <title>Sign in · Rampart</title>
                <link rel="stylesheet" href="/css/signin.css"></head>
                <body><main><h1>Sign in to Rampart</h1>%s
                <form method="post" action="/login">
                <label for="username">User name</label>
                <input id="username" name="username" autocomplete="username" required autofocus>
                <label for="password">Password</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required>
                <input type="hidden" name="%s" value="%s">
                <button type="submit">Sign in</button>
                </form></main></body></html>
                """
                .formatted(
                        message, HtmlUtils.htmlEscape(csrf.getParameterName()), HtmlUtils.htmlEscape(csrf.getToken()));
    }
}

package dev.rampart.defender;

import java.net.URI;
import java.util.Locale;

/**
 * Where a Defender tenant lives: the Entra login authority, the Defender API host, the Graph host, the token scopes
 * and the portal. Hosts and scopes are from REFERENCE.md sections 1.3, 2.1, 2.2 and 13; the regional hosts are a
 * performance choice (data residency is the tenant's). The Defender scope is configurable on the builder, because
 * which audiences each host accepts is unconfirmed (section 18 item 1).
 */
public enum Cloud {
    GLOBAL(
            "https://login.microsoftonline.com",
            "https://api.security.microsoft.com",
            "https://graph.microsoft.com",
            "https://security.microsoft.com"),
    US(
            "https://login.microsoftonline.com",
            "https://us.api.security.microsoft.com",
            "https://graph.microsoft.com",
            "https://security.microsoft.com"),
    EU(
            "https://login.microsoftonline.com",
            "https://eu.api.security.microsoft.com",
            "https://graph.microsoft.com",
            "https://security.microsoft.com"),
    UK(
            "https://login.microsoftonline.com",
            "https://uk.api.security.microsoft.com",
            "https://graph.microsoft.com",
            "https://security.microsoft.com"),
    AU(
            "https://login.microsoftonline.com",
            "https://au.api.security.microsoft.com",
            "https://graph.microsoft.com",
            "https://security.microsoft.com"),
    SWA(
            "https://login.microsoftonline.com",
            "https://swa.api.security.microsoft.com",
            "https://graph.microsoft.com",
            "https://security.microsoft.com"),
    INA(
            "https://login.microsoftonline.com",
            "https://ina.api.security.microsoft.com",
            "https://graph.microsoft.com",
            "https://security.microsoft.com"),
    AEA(
            "https://login.microsoftonline.com",
            "https://aea.api.security.microsoft.com",
            "https://graph.microsoft.com",
            "https://security.microsoft.com"),
    /** US Government Community Cloud: commercial login and Graph, its own Defender host. */
    GCC(
            "https://login.microsoftonline.com",
            "https://api-gcc.securitycenter.microsoft.us",
            "https://graph.microsoft.com",
            "https://security.microsoft.com"),
    GCC_HIGH(
            "https://login.microsoftonline.us",
            "https://api-gov.securitycenter.microsoft.us",
            "https://graph.microsoft.us",
            "https://security.microsoft.us"),
    DOD(
            "https://login.microsoftonline.us",
            "https://api-gov.securitycenter.microsoft.us",
            "https://dod-graph.microsoft.us",
            "https://security.apps.mil");

    private final String login;
    private final String api;
    private final String graph;
    private final String portal;

    Cloud(String login, String api, String graph, String portal) {
        this.login = login;
        this.api = api;
        this.graph = graph;
        this.portal = portal;
    }

    public URI loginAuthority() {
        return URI.create(login);
    }

    public URI apiBase() {
        return URI.create(api);
    }

    /** Graph's base including the version, e.g. {@code https://graph.microsoft.com/v1.0}. */
    public URI graphBase() {
        return URI.create(graph + "/v1.0");
    }

    public URI portal() {
        return URI.create(portal);
    }

    /**
     * The default Defender scope. Commercial clouds use the resource the Defender docs' samples use
     * ({@code https://api.securitycenter.microsoft.com/.default}); government clouds use their API host.
     */
    public String defenderScope() {
        return switch (this) {
            case GCC -> "https://api-gcc.securitycenter.microsoft.us/.default";
            case GCC_HIGH, DOD -> "https://api-gov.securitycenter.microsoft.us/.default";
            default -> "https://api.securitycenter.microsoft.com/.default";
        };
    }

    public String graphScope() {
        return graph + "/.default";
    }

    /** Parses the names users type: {@code global}, {@code us}, {@code gcc-high}, {@code GCC_HIGH}, ... */
    public static Cloud parse(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return valueOf(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown cloud '" + name
                    + "': use global, us, eu, uk, au, swa, ina, aea," + " gcc, gcc-high or dod");
        }
    }
}

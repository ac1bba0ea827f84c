package dev.rampart.defender.auth;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns Entra ID's AADSTS codes into one sentence that says what is wrong and where to fix it
 * (https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes; REFERENCE.md section 1.7). Never
 * quotes a secret: the sentences use only the tenant and client ids, which are not secret.
 */
public final class EntraErrors {
    private static final Pattern CODE = Pattern.compile("AADSTS(\\d+)");

    private EntraErrors() {}

    /** The first AADSTS code in a text, or 0. */
    public static int code(String text) {
        if (text == null) {
            return 0;
        }
        Matcher m = CODE.matcher(text);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    public static String sentence(int code, String tenant, String clientId, String cloud) {
        return switch (code) {
            case 90002, 90023 -> "Tenant '" + tenant + "' was not found in the " + cloud + " cloud: check the tenant ID"
                    + " (Entra admin center > Overview) and that the connector's cloud is the tenant's.";
            case 900023 -> "'" + tenant + "' is not a tenant ID or domain: use the directory (tenant) ID, a GUID.";
            case 700016 -> "No application with client ID '" + clientId + "' exists in tenant '" + tenant
                    + "': check the"
                    + " application (client) ID, and for a multi-tenant app that an admin of this tenant consented to it.";
            case 7000215 -> "The client secret is wrong: use the secret's Value (shown once, when it was created), not"
                    + " its Secret ID.";
            case 7000222 -> "The client secret has expired: create a new one under App registrations > Certificates &"
                    + " secrets and update the connector.";
            case 7000218 -> "No credential was sent: give the connector a client secret or a certificate.";
            case 700027, 700024, 700023 -> "The certificate was not accepted: upload its public part to the app"
                    + " registration (Certificates & secrets) and check that it has not expired.";
            case 500011, 65001, 650052 -> "The API is not available to this app in tenant '" + tenant + "': Microsoft"
                    + " Defender for Endpoint may not be provisioned here, or the cloud is wrong.";
            case 70011, 1002012 -> "The requested scope is not valid: use the resource's '/.default' scope.";
            case 50034, 50053, 50057 -> "The app's service principal is disabled or blocked in tenant '" + tenant
                    + "'.";
            default -> code == 0
                    ? "Entra ID refused to issue a token."
                    : "Entra ID refused to issue a token (AADSTS" + code + ").";
        };
    }

    /** The sentence for a token that carries no roles at all. */
    public static String noConsent(String api) {
        return "Admin consent is missing: the token carries no " + api + " application permissions; an administrator"
                + " must grant admin consent under App registrations > API permissions.";
    }
}

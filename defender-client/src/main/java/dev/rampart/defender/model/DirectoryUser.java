package dev.rampart.defender.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * A directory user from Graph {@code GET /users} or a group member of type {@code user} (REFERENCE 13.3). Properties
 * outside Graph's default set are present only when {@code $select}ed, so most fields can be {@code null}. The
 * on-premises SID, SAM account name and domain join MDE logon users ({@link LogonUser}).
 */
public record DirectoryUser(
        String id,
        String userPrincipalName,
        String displayName,
        String givenName,
        String surname,
        String mail,
        String jobTitle,
        String department,
        String companyName,
        String employeeId,
        String mobilePhone,
        List<String> businessPhones,
        String officeLocation,
        String preferredLanguage,
        Boolean accountEnabled,
        String userType,
        Instant createdDateTime,
        String onPremisesSamAccountName,
        String onPremisesDomainName,
        String onPremisesSecurityIdentifier,
        String onPremisesUserPrincipalName,
        String onPremisesImmutableId,
        Boolean onPremisesSyncEnabled,
        ObjectNode raw) {

    public DirectoryUser {
        businessPhones = Json.list(businessPhones);
        raw = Json.copy(raw);
    }

    public static DirectoryUser from(JsonNode node) {
        ObjectNode o = Json.asObject(node);
        return new DirectoryUser(
                Json.text(o, "id"),
                Json.text(o, "userPrincipalName"),
                Json.text(o, "displayName"),
                Json.text(o, "givenName"),
                Json.text(o, "surname"),
                Json.text(o, "mail"),
                Json.text(o, "jobTitle"),
                Json.text(o, "department"),
                Json.text(o, "companyName"),
                Json.text(o, "employeeId"),
                Json.text(o, "mobilePhone"),
                Json.strings(o, "businessPhones"),
                Json.text(o, "officeLocation"),
                Json.text(o, "preferredLanguage"),
                Json.bool(o, "accountEnabled"),
                Json.text(o, "userType"),
                Json.instant(o, "createdDateTime"),
                Json.text(o, "onPremisesSamAccountName"),
                Json.text(o, "onPremisesDomainName"),
                Json.text(o, "onPremisesSecurityIdentifier"),
                Json.text(o, "onPremisesUserPrincipalName"),
                Json.text(o, "onPremisesImmutableId"),
                Json.bool(o, "onPremisesSyncEnabled"),
                o);
    }

    /** {@code userType} is {@code Guest} (any case). */
    public boolean isGuest() {
        return Json.is(userType, "Guest");
    }

    /** A copy of the original JSON object, unknown fields included. */
    @Override
    public ObjectNode raw() {
        return raw.deepCopy();
    }
}

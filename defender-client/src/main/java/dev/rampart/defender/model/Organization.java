package dev.rampart.defender.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * The tenant from Graph {@code GET /organization} (always one item) or {@code GET /organization/{id}} (REFERENCE
 * 13.2).
 *
 * @param id the tenant id
 */
public record Organization(
        String id,
        String displayName,
        String tenantType,
        String countryLetterCode,
        Instant createdDateTime,
        Boolean onPremisesSyncEnabled,
        Instant onPremisesLastSyncDateTime,
        List<VerifiedDomain> verifiedDomains,
        ObjectNode raw) {

    public Organization {
        verifiedDomains = Json.list(verifiedDomains);
        raw = Json.copy(raw);
    }

    public static Organization from(JsonNode node) {
        ObjectNode o = Json.asObject(node);
        return new Organization(
                Json.text(o, "id"),
                Json.text(o, "displayName"),
                Json.text(o, "tenantType"),
                Json.text(o, "countryLetterCode"),
                Json.instant(o, "createdDateTime"),
                Json.bool(o, "onPremisesSyncEnabled"),
                Json.instant(o, "onPremisesLastSyncDateTime"),
                Json.objects(o, "verifiedDomains", VerifiedDomain::from),
                o);
    }

    /** The name of the default verified domain, or {@code null} when none is marked default. */
    public String defaultDomain() {
        for (VerifiedDomain domain : verifiedDomains) {
            if (Boolean.TRUE.equals(domain.isDefault())) {
                return domain.name();
            }
        }
        return null;
    }

    /** A copy of the original JSON object, unknown fields included. */
    @Override
    public ObjectNode raw() {
        return raw.deepCopy();
    }
}

package dev.rampart.app.connector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.defender.model.Machine;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What part of a tenant a connector imports (F3): all devices, or those in some device groups, with some tags, or in
 * some DNS domains (from {@code computerDnsName}; a bare host name has no domain); inactive devices in or out; and
 * explicit lists of devices (id or name) always taken or always left out. Matching ignores case.
 */
public record Scope(Kind kind, Set<String> values, boolean includeInactive, Set<String> include, Set<String> exclude) {

    public enum Kind {
        ALL,
        GROUPS,
        TAGS,
        DOMAINS
    }

    public static final Scope ALL = new Scope(Kind.ALL, Set.of(), true, Set.of(), Set.of());

    private static final Set<String> KEYS = Set.of("kind", "values", "includeInactive", "include", "exclude");

    public Scope {
        values = lower(values);
        include = lower(include);
        exclude = lower(exclude);
    }

    private static Set<String> lower(Set<String> in) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : in) {
            out.add(s.toLowerCase(Locale.ROOT));
        }
        return Set.copyOf(out);
    }

    /** Reads a scope, adding every problem to {@code problems} (prefixed with {@code at}). */
    public static Scope parse(JsonNode node, String at, List<String> problems) {
        if (node == null || node.isNull()) {
            return ALL;
        }
        if (!node.isObject()) {
            problems.add(at + " must be an object such as {\"kind\": \"all\"}");
            return ALL;
        }
        List<String> unknown = ConnectorSpec.unknownKeys(node, KEYS);
        if (!unknown.isEmpty()) {
            problems.add(at + " has unknown keys " + unknown + " (known: kind, values, includeInactive, include,"
                    + " exclude)");
        }
        Kind kind = Kind.ALL;
        String k = node.path("kind").asText("all");
        try {
            kind = Kind.valueOf(k.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problems.add(at + ".kind must be all, groups, tags or domains, not '" + k + "'");
        }
        Set<String> values = strings(node.get("values"), at + ".values", problems);
        if (kind != Kind.ALL && values.isEmpty()) {
            problems.add(at + ".values must name at least one "
                    + kind.name().toLowerCase(Locale.ROOT).replaceAll("s$", ""));
        }
        if (kind == Kind.ALL && !values.isEmpty()) {
            problems.add(at + ".values has no meaning with kind all");
        }
        JsonNode inactive = node.get("includeInactive");
        if (inactive != null && !inactive.isBoolean()) {
            problems.add(at + ".includeInactive must be true or false");
        }
        return new Scope(
                kind,
                values,
                inactive == null || inactive.asBoolean(true),
                strings(node.get("include"), at + ".include", problems),
                strings(node.get("exclude"), at + ".exclude", problems));
    }

    private static Set<String> strings(JsonNode node, String at, List<String> problems) {
        Set<String> out = new LinkedHashSet<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            problems.add(at + " must be an array of strings");
            return out;
        }
        for (JsonNode v : node) {
            if (!v.isTextual() || v.asText().isBlank()) {
                problems.add(at + " must hold only non-empty strings");
            } else {
                out.add(v.asText().trim());
            }
        }
        return out;
    }

    /** Whether the scope takes this machine. */
    public boolean matches(Machine m) {
        String id = lowerOrNull(m.id());
        String name = lowerOrNull(m.computerDnsName());
        String host = lowerOrNull(m.hostName());
        if (contains(exclude, id, name, host)) {
            return false;
        }
        if (contains(include, id, name, host)) {
            return true;
        }
        if (!includeInactive && "inactive".equalsIgnoreCase(m.healthStatus())) {
            return false;
        }
        return switch (kind) {
            case ALL -> true;
            case GROUPS -> m.rbacGroupName() != null && values.contains(lowerOrNull(m.rbacGroupName()));
            case TAGS -> m.machineTags() != null
                    && m.machineTags().stream().anyMatch(t -> t != null && values.contains(lowerOrNull(t)));
            case DOMAINS -> m.dnsDomain() != null && values.contains(lowerOrNull(m.dnsDomain()));
        };
    }

    private static boolean contains(Set<String> set, String... keys) {
        for (String k : keys) {
            if (k != null && set.contains(k)) {
                return true;
            }
        }
        return false;
    }

    private static String lowerOrNull(String s) {
        return s == null ? null : s.trim().toLowerCase(Locale.ROOT);
    }

    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("kind", kind.name().toLowerCase(Locale.ROOT));
        if (!values.isEmpty()) {
            ArrayNode a = o.putArray("values");
            values.forEach(a::add);
        }
        o.put("includeInactive", includeInactive);
        if (!include.isEmpty()) {
            ArrayNode a = o.putArray("include");
            include.forEach(a::add);
        }
        if (!exclude.isEmpty()) {
            ArrayNode a = o.putArray("exclude");
            exclude.forEach(a::add);
        }
        return o;
    }
}

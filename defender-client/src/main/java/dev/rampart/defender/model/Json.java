package dev.rampart.defender.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Lenient conversions from Jackson nodes to the models' field types. None of these methods throws on odd input: a
 * missing, null, mistyped or unparseable value becomes {@code null} (or an empty list), and the model's raw JSON still
 * holds the original.
 */
final class Json {
    /**
     * ISO date, optionally followed by {@code T} and a time with 0 to 9 fractional digits, optionally followed by
     * {@code Z} or an offset ({@code +02:00}, {@code +0200}, {@code +02}). A missing zone means UTC (REFERENCE 6.3).
     */
    private static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart()
            .appendLiteral('T')
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart()
            .parseLenient()
            .appendOffset("+HH", "Z")
            .parseStrict()
            .optionalEnd()
            .optionalEnd()
            .toFormatter()
            .withChronology(IsoChronology.INSTANCE)
            .withResolverStyle(ResolverStyle.STRICT);

    private Json() {}

    /**
     * The value of a field: the exact name first, then the first field whose name matches ignoring case (export files
     * may use {@code DeviceId} where JSON responses use {@code deviceId}). Returns {@code null} when the field is
     * absent or JSON null, or when {@code node} is not an object.
     */
    static JsonNode field(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode value = node.get(name);
        if (value == null) {
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                if (entry.getKey().equalsIgnoreCase(name)) {
                    value = entry.getValue();
                    break;
                }
            }
        }
        return value == null || value.isNull() || value.isMissingNode() ? null : value;
    }

    /** The first of several field names that is present (used where the API has two spellings). */
    static JsonNode firstField(JsonNode node, String... names) {
        for (String name : names) {
            JsonNode value = field(node, name);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** Text of a scalar field (numbers and booleans as their JSON text); {@code null} for objects and arrays. */
    static String text(JsonNode node, String name) {
        return text(field(node, name));
    }

    static String text(JsonNode value) {
        return value != null && value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    /**
     * Text of a field documented as a string but sometimes sent as an array of strings (e.g. {@code
     * cveSupportability}, REFERENCE 5.3): array items are joined with {@code ", "}.
     */
    static String textOrJoined(JsonNode node, String name) {
        JsonNode value = field(node, name);
        if (value != null && value.isArray()) {
            return String.join(", ", strings(value, false));
        }
        return text(value);
    }

    /** A whole number from a JSON number or numeric text; {@code null} when absent or not a whole number. */
    static Long longValue(JsonNode node, String name) {
        return longValue(field(node, name));
    }

    static Long longValue(JsonNode value) {
        if (value == null) {
            return null;
        }
        if (value.isIntegralNumber()) {
            return value.canConvertToLong() ? value.longValue() : null;
        }
        if (value.isNumber()) {
            double d = value.doubleValue();
            return Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 0x1p63 ? (long) d : null;
        }
        if (value.isTextual()) {
            String text = value.textValue().trim();
            if (text.isEmpty()) {
                return null;
            }
            try {
                return Long.valueOf(text);
            } catch (NumberFormatException e) {
                return wholeLong(decimal(text));
            }
        }
        return null;
    }

    /** Like {@link #longValue(JsonNode, String)}, {@code null} outside the int range. */
    static Integer intValue(JsonNode node, String name) {
        Long value = longValue(node, name);
        return value != null && value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE ? value.intValue() : null;
    }

    /** A number from a JSON number or numeric text ({@code "7.5"}); {@code null} when absent or not numeric. */
    static Double doubleValue(JsonNode node, String name) {
        JsonNode value = field(node, name);
        if (value == null) {
            return null;
        }
        if (value.isNumber()) {
            double d = value.doubleValue();
            return Double.isFinite(d) ? d : null;
        }
        if (value.isTextual()) {
            BigDecimal d = decimal(value.textValue().trim());
            return d != null && Double.isFinite(d.doubleValue()) ? d.doubleValue() : null;
        }
        return null;
    }

    /** A boolean from a JSON boolean, {@code "true"}/{@code "false"} (any case) or 0/1; otherwise {@code null}. */
    static Boolean bool(JsonNode node, String name) {
        JsonNode value = field(node, name);
        if (value == null) {
            return null;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isTextual()) {
            String text = value.textValue().trim();
            if (text.equalsIgnoreCase("true")) {
                return Boolean.TRUE;
            }
            if (text.equalsIgnoreCase("false")) {
                return Boolean.FALSE;
            }
            return null;
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            long n = value.longValue();
            return n == 1 ? Boolean.TRUE : n == 0 ? Boolean.FALSE : null;
        }
        return null;
    }

    /** A date-time field as an instant; see {@link #instant(String)}. */
    static Instant instant(JsonNode node, String name) {
        return instant(text(node, name));
    }

    /**
     * Parses the date-time spellings the APIs use: OData ISO with 0 to 9 fractional digits and {@code Z} or an offset
     * (REFERENCE 4.4, 8.2), Graph whole-second ISO (13.2) and export timestamps {@code yyyy-MM-dd HH:mm:ss[.fffffff]}
     * with no zone, read as UTC (6.3). A bare date is midnight UTC. Anything else gives {@code null}.
     */
    static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim();
        if (t.length() > 10 && t.charAt(10) == ' ') {
            t = t.substring(0, 10) + 'T' + t.substring(11).trim();
        }
        if (t.isEmpty()) {
            return null;
        }
        try {
            TemporalAccessor parsed =
                    DATE_TIME.parseBest(t, OffsetDateTime::from, LocalDateTime::from, LocalDate::from);
            if (parsed instanceof OffsetDateTime odt) {
                return odt.toInstant();
            }
            if (parsed instanceof LocalDateTime ldt) {
                return ldt.toInstant(ZoneOffset.UTC);
            }
            if (parsed instanceof LocalDate date) {
                return date.atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            return null;
        } catch (DateTimeException | ArithmeticException e) {
            return null;
        }
    }

    /**
     * A list of strings from a JSON array (scalar items as text, other items skipped) or from a single string, which
     * becomes a one-item list. Empty when absent.
     */
    static List<String> strings(JsonNode node, String name) {
        return strings(field(node, name), false);
    }

    /**
     * Like {@link #strings(JsonNode, String)}, but a single string is split at commas (documented as a string, sent as
     * an array, e.g. {@code mitreTechniques}, REFERENCE 8.2).
     */
    static List<String> stringsOrCsv(JsonNode node, String name) {
        return strings(field(node, name), true);
    }

    private static List<String> strings(JsonNode value, boolean splitCommas) {
        if (value == null) {
            return List.of();
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>(value.size());
            for (JsonNode item : value) {
                String text = text(item);
                if (text != null) {
                    items.add(text);
                }
            }
            return List.copyOf(items);
        }
        String text = text(value);
        if (text == null) {
            return List.of();
        }
        if (!splitCommas) {
            return List.of(text);
        }
        List<String> items = new ArrayList<>();
        for (String part : text.split(",")) {
            String trimmed = part.trim();
            if (!trimmed.isEmpty()) {
                items.add(trimmed);
            }
        }
        return List.copyOf(items);
    }

    /** A nested object, or {@code null} when absent, null or not an object. */
    static JsonNode object(JsonNode node, String name) {
        JsonNode value = field(node, name);
        return value != null && value.isObject() ? value : null;
    }

    /** A nested object parsed with {@code parser}, or {@code null} when absent, null or not an object. */
    static <T> T object(JsonNode node, String name, Function<JsonNode, T> parser) {
        JsonNode value = object(node, name);
        return value == null ? null : parser.apply(value);
    }

    /** The object items of an array field parsed with {@code parser}; other items are skipped. Empty when absent. */
    static <T> List<T> objects(JsonNode node, String name, Function<JsonNode, T> parser) {
        JsonNode value = field(node, name);
        if (value == null || !value.isArray()) {
            return List.of();
        }
        List<T> items = new ArrayList<>(value.size());
        for (JsonNode item : value) {
            if (item != null && item.isObject()) {
                items.add(parser.apply(item));
            }
        }
        return List.copyOf(items);
    }

    /** {@code node} itself when it is an object, else an empty object: a model's {@code from} never fails on shape. */
    static ObjectNode asObject(JsonNode node) {
        return node instanceof ObjectNode object ? object : JsonNodeFactory.instance.objectNode();
    }

    /** A deep copy to store in a model (an empty object for {@code null}). */
    static ObjectNode copy(ObjectNode raw) {
        return raw == null ? JsonNodeFactory.instance.objectNode() : raw.deepCopy();
    }

    /** An unmodifiable copy without null items; empty for {@code null}. */
    static <T> List<T> list(Collection<? extends T> items) {
        if (items == null || items.isEmpty()) {
            return List.of();
        }
        List<T> copy = new ArrayList<>(items.size());
        for (T item : items) {
            if (item != null) {
                copy.add(item);
            }
        }
        return List.copyOf(copy);
    }

    /** Case-insensitive equality that is false when either side is {@code null}. */
    static boolean is(String value, String expected) {
        return value != null && value.trim().equalsIgnoreCase(expected);
    }

    /** Case-insensitive membership. */
    static boolean isAny(String value, String... expected) {
        for (String e : expected) {
            if (is(value, e)) {
                return true;
            }
        }
        return false;
    }

    private static BigDecimal decimal(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long wholeLong(BigDecimal value) {
        if (value == null) {
            return null;
        }
        try {
            return value.longValueExact();
        } catch (ArithmeticException e) {
            return null;
        }
    }

    static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    static String nonBlank(String value) {
        return blank(value) ? null : value;
    }
}

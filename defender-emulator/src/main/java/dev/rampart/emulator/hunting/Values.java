package dev.rampart.emulator.hunting;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Runtime values of a hunting query and their conversions: reading them from JSON input rows, parsing and formatting
 * datetimes, comparing them, and the string form and hash that the string operators and {@code hash()} use.
 */
final class Values {

    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Values() {}

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * Runtime values: String (never null for string columns), Long (long and int), Double, Boolean, Instant, JsonNode
     * (dynamic), or null.
     */
    static Object fromJson(JsonNode node, Type type) {
        boolean absent = node == null || node.isNull() || node.isMissingNode();
        switch (type) {
            case STRING:
                if (absent) {
                    return "";
                }
                if (node.isTextual()) {
                    return node.textValue();
                }
                return node.isContainerNode() ? node.toString() : node.asText();
            case LONG:
            case INT:
                if (absent) {
                    return null;
                }
                if (node.isNumber()) {
                    return node.longValue();
                }
                if (node.isTextual()) {
                    try {
                        return Long.parseLong(node.textValue().trim());
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }
                return null;
            case REAL:
                if (absent) {
                    return null;
                }
                if (node.isNumber()) {
                    return node.doubleValue();
                }
                if (node.isTextual()) {
                    try {
                        return Double.parseDouble(node.textValue().trim());
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }
                return null;
            case BOOL:
                if (absent) {
                    return null;
                }
                if (node.isBoolean()) {
                    return node.booleanValue();
                }
                if (node.isTextual()) {
                    String s = node.textValue().trim();
                    if (s.equalsIgnoreCase("true")) {
                        return Boolean.TRUE;
                    }
                    if (s.equalsIgnoreCase("false")) {
                        return Boolean.FALSE;
                    }
                }
                return null;
            case DATETIME:
                return absent || !node.isTextual() ? null : parseDateTime(node.textValue());
            case DYNAMIC:
                if (absent) {
                    return null;
                }
                if (node.isTextual()) { // JSON kept as text by the source: read it back
                    try {
                        return JSON.readTree(node.textValue());
                    } catch (java.io.IOException e) {
                        return node;
                    }
                }
                return node;
            default:
                throw new IllegalStateException("Unexpected type " + type);
        }
    }

    /**
     * Parses an ISO-8601 date-time with an offset or {@code Z}, a date-time without one (UTC; a space may separate
     * date and time), or a date (midnight UTC); truncated to 100 ns. Returns null if the text is none of these.
     */
    static Instant parseDateTime(String raw) {
        Instant fast = parseUtcDateTime(raw);
        if (fast != null) {
            return fast;
        }
        String s = raw.trim();
        if (s.isEmpty()) {
            return null;
        }
        String t = s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
        Instant instant = null;
        try {
            instant = OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            try {
                instant = LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                try {
                    instant = LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
                } catch (DateTimeParseException e3) {
                    return null;
                }
            }
        }
        return instant.minusNanos(instant.getNano() % 100);
    }

    /**
     * A fast path for the common form {@code 2026-01-01T00:00:00[.fffffff]Z}; returns null for anything else,
     * including invalid dates, which the general path then rejects.
     */
    private static Instant parseUtcDateTime(String s) {
        int length = s.length();
        if (length < 20
                || s.charAt(length - 1) != 'Z'
                || s.charAt(4) != '-'
                || s.charAt(7) != '-'
                || s.charAt(10) != 'T'
                || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        if ((year | month | day | hour | minute | second) < 0
                || month < 1
                || month > 12
                || day < 1
                || day > 31
                || hour > 23
                || minute > 59
                || second > 59) {
            return null;
        }
        int nanos = 0;
        if (length > 20) {
            int fractionDigits = length - 21;
            if (s.charAt(19) != '.' || fractionDigits < 1 || fractionDigits > 7) {
                return null;
            }
            int fraction = digits(s, 20, length - 1);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = fractionDigits; i < 9; i++) {
                nanos *= 10;
            }
        } else if (s.charAt(19) != 'Z') {
            return null;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return null;
        }
        return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The non-negative number written in {@code s[from, to)}, or -1 if a character is not a digit. */
    private static int digits(String s, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    static String formatDateTime(Instant t) {
        StringBuilder out = new StringBuilder(SECONDS.format(t));
        int ticks = t.getNano() / 100;
        if (ticks != 0) {
            String fraction = String.format(Locale.ROOT, "%07d", ticks);
            int end = fraction.length();
            while (fraction.charAt(end - 1) == '0') {
                end--;
            }
            out.append('.').append(fraction, 0, end);
        }
        return out.append('Z').toString();
    }

    /** The string form of a value, as the string operators and {@code hash} see it. */
    static String toKustoString(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Instant t) {
            return formatDateTime(t);
        }
        return value.toString();
    }

    /** Compares two non-null values of comparable types (the parser guarantees it). */
    static int compareValues(Object a, Object b) {
        if (a instanceof String x && b instanceof String y) {
            return x.compareTo(y);
        }
        if (a instanceof Long x && b instanceof Long y) {
            return Long.compare(x, y);
        }
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a instanceof Instant x && b instanceof Instant y) {
            return x.compareTo(y);
        }
        if (a instanceof Boolean x && b instanceof Boolean y) {
            return Boolean.compare(x, y);
        }
        if (a instanceof JsonNode x && b instanceof JsonNode y) {
            return x.toString().compareTo(y.toString());
        }
        throw new IllegalStateException("Cannot compare " + a.getClass() + " with " + b.getClass());
    }

    static boolean valuesEqual(Object a, Object b, boolean ignoreCase) {
        if (ignoreCase && a instanceof String x && b instanceof String y) {
            return x.equalsIgnoreCase(y);
        }
        return compareValues(a, b) == 0;
    }

    /** 64-bit FNV-1a over the UTF-8 bytes of {@code s}. */
    static long fnv1a64(String s) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}

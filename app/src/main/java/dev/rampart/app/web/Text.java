package dev.rampart.app.web;

/**
 * Checks and cleans text that comes from outside: PostgreSQL cannot store NUL, and control characters in a log line
 * let input forge further lines. Used by the request filter, the validators and the audit log.
 */
public final class Text {
    private Text() {}

    /** Whether the text has a NUL or another C0 control character other than tab, line feed and carriage return. */
    public static boolean hasForbiddenControl(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                return true;
            }
        }
        return false;
    }

    /** Whether the text has any control character (C0, DEL, C1): for names and other one-line values. */
    public static boolean hasControl(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** A message as a sentence for a page: capital first letter, full stop at the end. */
    public static String sentence(String s) {
        String t = s.strip();
        if (t.isEmpty()) {
            return t;
        }
        t = Character.toUpperCase(t.charAt(0)) + t.substring(1);
        return t.endsWith(".") ? t : t + ".";
    }

    /**
     * The text as one safe log or audit value: control characters as {@code \\uXXXX}, cut to {@code max} characters
     * with the original length noted. Null stays null.
     */
    public static String oneLine(String s, int max) {
        if (s == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 16);
        int n = Math.min(s.length(), max);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (s.length() > max) {
            b.append("…(").append(s.length()).append(" characters)");
        }
        return b.toString();
    }
}

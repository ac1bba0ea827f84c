package dev.rampart.emulator.hunting;

import static dev.rampart.emulator.hunting.Values.compareValues;
import static dev.rampart.emulator.hunting.Values.fnv1a64;
import static dev.rampart.emulator.hunting.Values.toKustoString;
import static dev.rampart.emulator.hunting.Values.valuesEqual;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A scalar expression of a hunting query, typed when the query is parsed and evaluated once per row. The nested records
 * are the expression nodes: literals, column references, {@code ago()}/{@code now()}, {@code hash()}, the emptiness and
 * null tests, the logical operators (with Kusto's three-valued logic), comparisons, string operators and {@code in}.
 */
interface Expr {

    Type type();

    /** The value for a row: String, Long, Double, Boolean, Instant or null. */
    Object eval(Object[] row, Instant now);

    record Literal(Type type, Object value) implements Expr {
        @Override
        public Object eval(Object[] row, Instant now) {
            return value;
        }
    }

    record ColumnRef(String name, int index, Type type) implements Expr {
        @Override
        public Object eval(Object[] row, Instant now) {
            return row[index];
        }
    }

    /** {@code ago(span)} and {@code now(offset)}: {@code now + offset}. */
    record RelativeTime(Duration offset) implements Expr {
        @Override
        public Type type() {
            return Type.DATETIME;
        }

        @Override
        public Object eval(Object[] row, Instant now) {
            return now.plus(offset);
        }
    }

    record Hash(Expr argument, long modulo) implements Expr {
        @Override
        public Type type() {
            return Type.LONG;
        }

        @Override
        public Object eval(Object[] row, Instant now) {
            Object value = argument.eval(row, now);
            if (value == null) {
                return null;
            }
            long hash = fnv1a64(toKustoString(value));
            return modulo > 0 ? Long.remainderUnsigned(hash, modulo) : hash & Long.MAX_VALUE;
        }
    }

    record EmptyTest(Expr argument, boolean negated) implements Expr {
        @Override
        public Type type() {
            return Type.BOOL;
        }

        @Override
        public Object eval(Object[] row, Instant now) {
            Object value = argument.eval(row, now);
            boolean empty = value == null || (value instanceof String s && s.isEmpty());
            return empty != negated;
        }
    }

    record NullTest(Expr argument, boolean negated) implements Expr {
        @Override
        public Type type() {
            return Type.BOOL;
        }

        @Override
        public Object eval(Object[] row, Instant now) {
            return (argument.eval(row, now) == null) != negated;
        }
    }

    record Not(Expr argument) implements Expr {
        @Override
        public Type type() {
            return Type.BOOL;
        }

        @Override
        public Object eval(Object[] row, Instant now) {
            Object value = argument.eval(row, now);
            return value == null ? null : !(Boolean) value;
        }
    }

    record And(Expr left, Expr right) implements Expr {
        @Override
        public Type type() {
            return Type.BOOL;
        }

        @Override
        public Object eval(Object[] row, Instant now) {
            Object a = left.eval(row, now);
            if (Boolean.FALSE.equals(a)) {
                return Boolean.FALSE;
            }
            Object b = right.eval(row, now);
            if (Boolean.FALSE.equals(b)) {
                return Boolean.FALSE;
            }
            return a == null || b == null ? null : Boolean.TRUE;
        }
    }

    record Or(Expr left, Expr right) implements Expr {
        @Override
        public Type type() {
            return Type.BOOL;
        }

        @Override
        public Object eval(Object[] row, Instant now) {
            Object a = left.eval(row, now);
            if (Boolean.TRUE.equals(a)) {
                return Boolean.TRUE;
            }
            Object b = right.eval(row, now);
            if (Boolean.TRUE.equals(b)) {
                return Boolean.TRUE;
            }
            return a == null || b == null ? null : Boolean.FALSE;
        }
    }

    enum CompareOp {
        EQ("=="),
        NE("!="),
        LT("<"),
        LE("<="),
        GT(">"),
        GE(">="),
        EQ_CI("=~"),
        NE_CI("!~");

        final String symbol;

        CompareOp(String symbol) {
            this.symbol = symbol;
        }

        boolean isOrdering() {
            return this == LT || this == LE || this == GT || this == GE;
        }

        static CompareOp of(String symbol) {
            for (CompareOp op : values()) {
                if (op.symbol.equals(symbol)) {
                    return op;
                }
            }
            return null;
        }
    }

    record Compare(CompareOp op, Expr left, Expr right) implements Expr {
        @Override
        public Type type() {
            return Type.BOOL;
        }

        @Override
        public Object eval(Object[] row, Instant now) {
            Object a = left.eval(row, now);
            Object b = right.eval(row, now);
            if (a == null || b == null) {
                return null;
            }
            switch (op) {
                case EQ_CI:
                    return valuesEqual(a, b, true);
                case NE_CI:
                    return !valuesEqual(a, b, true);
                default:
                    break;
            }
            int c = compareValues(a, b);
            return switch (op) {
                case EQ -> c == 0;
                case NE -> c != 0;
                case LT -> c < 0;
                case LE -> c <= 0;
                case GT -> c > 0;
                case GE -> c >= 0;
                default -> throw new IllegalStateException(op.name());
            };
        }
    }

    enum StringOp {
        CONTAINS,
        HAS,
        STARTSWITH,
        ENDSWITH
    }

    /** A string operator as written: {@code has}, {@code !has}, {@code has_cs}, {@code !has_cs}, ... */
    record StringOpSpec(StringOp op, boolean caseSensitive, boolean negated) {}

    record StringTest(StringOpSpec spec, Expr left, Expr right) implements Expr {
        @Override
        public Type type() {
            return Type.BOOL;
        }

        @Override
        public Object eval(Object[] row, Instant now) {
            String haystack = toKustoString(left.eval(row, now));
            String needle = toKustoString(right.eval(row, now));
            boolean ignoreCase = !spec.caseSensitive();
            boolean match =
                    switch (spec.op()) {
                        case CONTAINS -> indexOf(haystack, needle, ignoreCase, 0) >= 0;
                        case HAS -> hasTerm(haystack, needle, ignoreCase);
                        case STARTSWITH -> haystack.regionMatches(ignoreCase, 0, needle, 0, needle.length());
                        case ENDSWITH -> haystack.length() >= needle.length()
                                && haystack.regionMatches(
                                        ignoreCase, haystack.length() - needle.length(), needle, 0, needle.length());
                    };
            return match != spec.negated();
        }

        private static int indexOf(String haystack, String needle, boolean ignoreCase, int from) {
            if (!ignoreCase) {
                return haystack.indexOf(needle, from);
            }
            for (int i = from; i + needle.length() <= haystack.length(); i++) {
                if (haystack.regionMatches(true, i, needle, 0, needle.length())) {
                    return i;
                }
            }
            return -1;
        }

        /**
         * Whether {@code needle} occurs in {@code haystack} starting and ending on term boundaries: an alphanumeric
         * first (last) character of the needle must not be preceded (followed) by an alphanumeric character.
         */
        private static boolean hasTerm(String haystack, String needle, boolean ignoreCase) {
            if (needle.isEmpty()) {
                return true;
            }
            int n = needle.length();
            boolean checkStart = Character.isLetterOrDigit(needle.charAt(0));
            boolean checkEnd = Character.isLetterOrDigit(needle.charAt(n - 1));
            for (int i = indexOf(haystack, needle, ignoreCase, 0);
                    i >= 0;
                    i = indexOf(haystack, needle, ignoreCase, i + 1)) {
                if (checkStart && i > 0 && Character.isLetterOrDigit(haystack.charAt(i - 1))) {
                    continue;
                }
                if (checkEnd && i + n < haystack.length() && Character.isLetterOrDigit(haystack.charAt(i + n))) {
                    continue;
                }
                return true;
            }
            return false;
        }
    }

    record InList(Expr left, List<Object> values, boolean ignoreCase, boolean negated) implements Expr {
        @Override
        public Type type() {
            return Type.BOOL;
        }

        @Override
        public Object eval(Object[] row, Instant now) {
            Object value = left.eval(row, now);
            if (value == null) {
                return null;
            }
            boolean found = false;
            for (Object candidate : values) {
                if (valuesEqual(value, candidate, ignoreCase)) {
                    found = true;
                    break;
                }
            }
            return found != negated;
        }
    }
}

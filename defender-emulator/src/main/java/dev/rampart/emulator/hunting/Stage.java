package dev.rampart.emulator.hunting;

import static dev.rampart.emulator.hunting.Values.compareValues;
import static dev.rampart.emulator.hunting.Values.fromJson;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * One operator of a query's pipeline, turning an iterator over its input rows into one over its output rows; rows are
 * arrays of runtime values (see {@link Values}) in the order of the operator's input or output columns. The nested
 * classes are the operators ({@code where}, {@code project}, {@code take}, {@code order by}/{@code top}, {@code
 * summarize}, {@code count}), the source reading the visible rows of {@code DeviceInfo}, and the iterators they are
 * built on.
 */
interface Stage {

    /**
     * Wraps the stage's input.
     *
     * @param needed how many rows, at most, the rest of the pipeline will read from this stage
     */
    Iterator<Object[]> apply(Iterator<Object[]> input, Instant now, long needed);

    /** An iterator computing its next element on demand; {@link #compute()} returns null at the end. */
    abstract class Lookahead implements Iterator<Object[]> {
        private Object[] pending;
        private boolean done;

        protected abstract Object[] compute();

        @Override
        public final boolean hasNext() {
            if (pending == null && !done) {
                pending = compute();
                done = pending == null;
            }
            return pending != null;
        }

        @Override
        public final Object[] next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Object[] row = pending;
            pending = null;
            return row;
        }
    }

    /** An iterator over rows computed all at once, when first asked for. */
    abstract class Deferred implements Iterator<Object[]> {
        private Iterator<Object[]> rows;

        protected abstract List<Object[]> compute();

        private Iterator<Object[]> rows() {
            if (rows == null) {
                rows = compute().iterator();
            }
            return rows;
        }

        @Override
        public final boolean hasNext() {
            return rows().hasNext();
        }

        @Override
        public final Object[] next() {
            return rows().next();
        }
    }

    /**
     * The visible rows of a table, converted to runtime values: those within the retention window, or all of them for
     * a table without a time column.
     */
    final class SourceIterator extends Lookahead {
        private final Iterator<ObjectNode> rows;
        private final Instant horizon;
        private final boolean[] read;
        private final List<Field> columns;
        private final int timestamp;

        /** {@code read[i]}: whether the query needs column i; the others stay null. */
        SourceIterator(Iterator<ObjectNode> rows, Instant horizon, boolean[] read, Table table) {
            this.rows = rows;
            this.horizon = horizon;
            this.read = read.clone();
            this.columns = table.columns();
            this.timestamp = table.timestamp();
        }

        @Override
        protected Object[] compute() {
            while (rows.hasNext()) {
                ObjectNode node = rows.next();
                if (node == null) {
                    continue;
                }
                Object[] row = new Object[columns.size()];
                if (timestamp >= 0) {
                    Instant t =
                            (Instant) fromJson(node.get(columns.get(timestamp).name()), Type.DATETIME);
                    if (t == null || t.isBefore(horizon)) {
                        continue;
                    }
                    row[timestamp] = t;
                }
                for (int i = 0; i < row.length; i++) {
                    if (i != timestamp && read[i]) {
                        Field field = columns.get(i);
                        row[i] = fromJson(node.get(field.name()), field.type());
                    }
                }
                return row;
            }
            return null;
        }
    }

    record WhereStage(Expr predicate) implements Stage {
        @Override
        public Iterator<Object[]> apply(Iterator<Object[]> input, Instant now, long needed) {
            return new Lookahead() {
                @Override
                protected Object[] compute() {
                    while (input.hasNext()) {
                        Object[] row = input.next();
                        if (Boolean.TRUE.equals(predicate.eval(row, now))) {
                            return row;
                        }
                    }
                    return null;
                }
            };
        }
    }

    /** {@code project} and {@code project-away}: one output row per input row. */
    record ProjectStage(List<Expr> columns) implements Stage {
        @Override
        public Iterator<Object[]> apply(Iterator<Object[]> input, Instant now, long needed) {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return input.hasNext();
                }

                @Override
                public Object[] next() {
                    Object[] row = input.next();
                    Object[] out = new Object[columns.size()];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = columns.get(i).eval(row, now);
                    }
                    return out;
                }
            };
        }
    }

    record TakeStage(long count) implements Stage {
        @Override
        public Iterator<Object[]> apply(Iterator<Object[]> input, Instant now, long needed) {
            return new Iterator<>() {
                private long taken;

                @Override
                public boolean hasNext() {
                    return taken < count && input.hasNext();
                }

                @Override
                public Object[] next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    taken++;
                    return input.next();
                }
            };
        }
    }

    record SortKey(Expr expr, boolean ascending, boolean nullsFirst) {}

    record SortEntry(Object[] row, Object[] keys, long sequence) {}

    /** {@code order by} ({@code limit} unbounded) and {@code top} ({@code limit} N). */
    record SortStage(List<SortKey> keys, long limit) implements Stage {
        @Override
        public Iterator<Object[]> apply(Iterator<Object[]> input, Instant now, long needed) {
            long keep = Math.min(limit, needed);
            Comparator<SortEntry> order = this::compare;
            return new Deferred() {
                @Override
                protected List<Object[]> compute() {
                    if (keep <= 0) {
                        return List.of();
                    }
                    List<SortEntry> entries;
                    long sequence = 0;
                    if (keep < Integer.MAX_VALUE) {
                        PriorityQueue<SortEntry> heap = new PriorityQueue<>(order.reversed());
                        while (input.hasNext()) {
                            SortEntry entry = entry(input.next(), now, sequence++);
                            if (heap.size() < keep) {
                                heap.add(entry);
                            } else if (order.compare(entry, heap.peek()) < 0) {
                                heap.poll();
                                heap.add(entry);
                            }
                        }
                        entries = new ArrayList<>(heap);
                    } else {
                        entries = new ArrayList<>();
                        while (input.hasNext()) {
                            entries.add(entry(input.next(), now, sequence++));
                        }
                    }
                    entries.sort(order);
                    List<Object[]> rows = new ArrayList<>(entries.size());
                    for (SortEntry entry : entries) {
                        rows.add(entry.row());
                    }
                    return rows;
                }
            };
        }

        private SortEntry entry(Object[] row, Instant now, long sequence) {
            Object[] values = new Object[keys.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = keys.get(i).expr().eval(row, now);
            }
            return new SortEntry(row, values, sequence);
        }

        private int compare(SortEntry a, SortEntry b) {
            for (int i = 0; i < keys.size(); i++) {
                SortKey key = keys.get(i);
                Object x = a.keys()[i];
                Object y = b.keys()[i];
                int c;
                if (x == null || y == null) {
                    c = x == y ? 0 : (x == null) == key.nullsFirst() ? -1 : 1;
                } else {
                    c = key.ascending() ? compareValues(x, y) : compareValues(y, x);
                }
                if (c != 0) {
                    return c;
                }
            }
            return Long.compare(a.sequence(), b.sequence());
        }
    }

    enum Aggregation {
        DISTINCT,
        COUNT,
        ARG_MAX,
        ARG_MIN
    }

    /**
     * {@code summarize}. Each output row holds the input columns {@code sources} (the keys first) and, for {@code
     * count()}, the count last; for {@code arg_max}/{@code arg_min}, {@code argPosition} is the position of the
     * compared column in the output row.
     */
    final class SummarizeStage implements Stage {
        private final Aggregation aggregation;
        private final int keyCount;
        private final int[] sources;
        private final int argPosition;

        SummarizeStage(Aggregation aggregation, int keyCount, int[] sources, int argPosition) {
            this.aggregation = aggregation;
            this.keyCount = keyCount;
            this.sources = sources.clone();
            this.argPosition = argPosition;
        }

        @Override
        public Iterator<Object[]> apply(Iterator<Object[]> input, Instant now, long needed) {
            return new Deferred() {
                @Override
                protected List<Object[]> compute() {
                    return aggregate(input);
                }
            };
        }

        private List<Object[]> aggregate(Iterator<Object[]> input) {
            Map<Object, Object[]> groups = new LinkedHashMap<>();
            Map<Object, long[]> counts = aggregation == Aggregation.COUNT ? new LinkedHashMap<>() : Map.of();
            int sign = aggregation == Aggregation.ARG_MIN ? -1 : 1;
            while (input.hasNext()) {
                Object[] row = input.next();
                Object key = key(row);
                Object[] current = groups.get(key);
                if (current == null) {
                    groups.put(key, project(row));
                    if (aggregation == Aggregation.COUNT) {
                        counts.put(key, new long[] {1});
                    }
                } else if (aggregation == Aggregation.COUNT) {
                    counts.get(key)[0]++;
                } else if (aggregation == Aggregation.ARG_MAX || aggregation == Aggregation.ARG_MIN) {
                    Object candidate = row[sources[argPosition]];
                    Object best = current[argPosition];
                    if (candidate != null && (best == null || sign * compareValues(candidate, best) > 0)) {
                        groups.put(key, project(row));
                    }
                }
            }
            List<Object[]> result = new ArrayList<>(groups.size());
            if (aggregation == Aggregation.COUNT) {
                if (groups.isEmpty() && keyCount == 0) {
                    result.add(new Object[] {0L});
                }
                for (Map.Entry<Object, Object[]> group : groups.entrySet()) {
                    Object[] out = Arrays.copyOf(group.getValue(), sources.length + 1);
                    out[sources.length] = counts.get(group.getKey())[0];
                    result.add(out);
                }
            } else {
                result.addAll(groups.values());
            }
            return result;
        }

        private Object key(Object[] row) {
            if (keyCount == 1) {
                return row[sources[0]];
            }
            Object[] key = new Object[keyCount];
            for (int i = 0; i < keyCount; i++) {
                key[i] = row[sources[i]];
            }
            return Arrays.asList(key);
        }

        private Object[] project(Object[] row) {
            Object[] out = new Object[sources.length];
            for (int i = 0; i < sources.length; i++) {
                out[i] = row[sources[i]];
            }
            return out;
        }
    }

    record CountStage() implements Stage {
        @Override
        public Iterator<Object[]> apply(Iterator<Object[]> input, Instant now, long needed) {
            return new Deferred() {
                @Override
                protected List<Object[]> compute() {
                    long count = 0;
                    while (input.hasNext()) {
                        input.next();
                        count++;
                    }
                    return Collections.singletonList(new Object[] {count});
                }
            };
        }
    }
}

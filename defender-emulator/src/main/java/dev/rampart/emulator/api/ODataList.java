package dev.rampart.emulator.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.emulator.http.ApiError;
import dev.rampart.emulator.http.Call;
import dev.rampart.emulator.odata.ODataFilter;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Serves an OData collection the way the Defender list endpoints do (REFERENCE.md sections 3.2 and 3.3): {@code $filter}
 * over the endpoint's filterable properties, {@code $top} up to the endpoint's cap (more is refused, as ASP.NET OData
 * refuses it), {@code $skip}, {@code $select}, and, when the client did not ask for {@code $top}, pages of the maximum
 * size with an {@code @odata.nextLink} that repeats the request with {@code $skip} advanced. The page is streamed: only
 * one entity is in memory at a time.
 */
final class ODataList {
    private ODataList() {}

    /** A lazy, ordered collection. {@code from(n)} starts at the n-th entity when it can seek, else at the first. */
    interface Source {
        Iterator<ObjectNode> from(int start);

        default boolean seekable() {
            return false;
        }
    }

    /**
     * Where a client paging with {@code $skip} stopped: the iterator, the last items served (so that a client that
     * starts its next page a little early, to catch drift, is served too), the item read ahead to see whether there was
     * more, and how many matching items lie before it. Kept so that the next page continues instead of skipping from
     * the start again, which would make paging through millions of rows quadratic.
     */
    record Cursor(
            Iterator<ObjectNode> iterator, java.util.ArrayDeque<ObjectNode> tail, ObjectNode pending, int position) {
        static final int TAIL = 256;

        /** The items from {@code start} on that this cursor still holds, or null when it cannot serve {@code start}. */
        java.util.List<ObjectNode> from(int start) {
            int first = position - tail.size();
            if (start < first || start > position) {
                return null;
            }
            java.util.List<ObjectNode> out = new java.util.ArrayList<>(tail).subList(start - first, tail.size());
            java.util.List<ObjectNode> replay = new java.util.ArrayList<>(out);
            replay.add(pending);
            return replay;
        }
    }

    /** A few cursors per emulator, least recently used first out. */
    static final class Cursors {
        private final java.util.LinkedHashMap<String, Cursor> map = new java.util.LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(java.util.Map.Entry<String, Cursor> eldest) {
                return size() > 32;
            }
        };

        /** The items to replay and the iterator to continue with, for a page starting at {@code start}; or null. */
        synchronized Cursor take(String key, int start) {
            Cursor c = map.get(key);
            if (c == null) {
                return null;
            }
            java.util.List<ObjectNode> replay = c.from(start);
            if (replay == null) {
                return null;
            }
            map.remove(key);
            Iterator<ObjectNode> rest = c.iterator();
            Iterator<ObjectNode> head = replay.iterator();
            Iterator<ObjectNode> joined = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return head.hasNext() || rest.hasNext();
                }

                @Override
                public ObjectNode next() {
                    return head.hasNext() ? head.next() : rest.next();
                }
            };
            return new Cursor(joined, new java.util.ArrayDeque<>(), null, start);
        }

        synchronized void put(String key, Cursor c) {
            map.put(key, c);
        }
    }

    static void serve(Call call, String entitySet, int maxTop, Set<String> filterable, Source source) {
        serve(call, entitySet, maxTop, filterable, source, null);
    }

    static void serve(Call call, String entitySet, int maxTop, Set<String> filterable, Source source, Cursors cursors) {
        serve(call, entitySet, maxTop, filterable, source, cursors, false);
    }

    /**
     * Like {@link #serve(Call, String, int, Set, Source, Cursors)}, and with {@code $count=true} the page carries
     * {@code @odata.count}: how many entities match the filter in all, whatever {@code $top} and {@code $skip} say.
     * Counting reads the whole collection once more, as the service must.
     */
    static void serveCounted(
            Call call, String entitySet, int maxTop, Set<String> filterable, Source source, Cursors cursors) {
        serve(call, entitySet, maxTop, filterable, source, cursors, true);
    }

    private static void serve(
            Call call,
            String entitySet,
            int maxTop,
            Set<String> filterable,
            Source source,
            Cursors cursors,
            boolean countable) {
        String filterText = call.query("$filter");
        ODataFilter filter =
                filterText == null || filterText.isBlank() ? null : ODataFilter.parse(filterText, filterable);
        Long total = countable ? count(call, source, filter) : null;
        Integer top = intOption(call, "$top");
        if (top != null && top > maxTop) {
            throw new ApiError(
                    400,
                    "ODataError",
                    "Invalid ODataQuery. The limit of '" + maxTop
                            + "' for Top query has been exceeded. The value from the incoming request is '" + top
                            + "'.");
        }
        Integer skipOption = intOption(call, "$skip");
        int skip = skipOption == null ? 0 : skipOption;
        if (call.query("$orderby") != null) {
            throw new ApiError(
                    400,
                    "ODataError",
                    "Invalid ODataQuery. Query option 'OrderBy' is not allowed. To allow"
                            + " it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.");
        }
        Set<String> select = select(call);
        int pageSize = top != null ? top : maxTop;
        int start = Math.max(0, skip + (skip > 0 ? call.pagingShift : 0)); // drift shows on later pages only
        boolean seek = filter == null && source.seekable();
        String cursorKey =
                call.path() + "?" + call.linkWith("$skip", "").replaceFirst("^[^?]*\\?", "") + "#" + pageSize;
        Cursor cursor = cursors == null || seek || top != null ? null : cursors.take(cursorKey, start);
        Iterator<ObjectNode> it = cursor != null ? cursor.iterator() : source.from(seek ? start : 0);
        int toSkip = seek || cursor != null ? 0 : start;
        String context = call.base() + "/api/$metadata#" + entitySet;
        call.stream(200, g -> {
            g.writeStartObject();
            g.writeStringField("@odata.context", context);
            if (total != null) {
                g.writeNumberField("@odata.count", total);
            }
            g.writeArrayFieldStart("value");
            int skipped = 0;
            int written = 0;
            ObjectNode ahead = null;
            java.util.ArrayDeque<ObjectNode> tail = new java.util.ArrayDeque<>();
            while (it.hasNext()) {
                ObjectNode current = it.next();
                if (filter != null && !filter.test(current)) {
                    continue;
                }
                if (skipped < toSkip) {
                    skipped++;
                    continue;
                }
                if (written == pageSize) {
                    ahead = current;
                    break;
                }
                write(g, current, select);
                written++;
                if (cursors != null) {
                    tail.addLast(current);
                    if (tail.size() > Cursor.TAIL) {
                        tail.removeFirst();
                    }
                }
            }
            g.writeEndArray();
            if (ahead != null && top == null) {
                g.writeStringField("@odata.nextLink", call.linkWith("$skip", Integer.toString(skip + pageSize)));
                if (cursors != null && !seek) {
                    cursors.put(cursorKey, new Cursor(it, tail, ahead, start + pageSize));
                }
            }
            g.writeEndObject();
        });
    }

    /** The matching entities' number when the client asked {@code $count=true}; null when it did not. */
    private static Long count(Call call, Source source, ODataFilter filter) {
        String option = call.query("$count");
        if (option == null || option.equalsIgnoreCase("false")) {
            return null;
        }
        if (!option.equalsIgnoreCase("true")) {
            throw new ApiError(
                    400,
                    "ODataError",
                    "Invalid ODataQuery. '" + option + "' is not a valid count option: use true or false.");
        }
        long n = 0;
        for (Iterator<ObjectNode> it = source.from(0); it.hasNext(); ) {
            ObjectNode item = it.next();
            if (filter == null || filter.test(item)) {
                n++;
            }
        }
        return n;
    }

    /** Writes a collection that the API does not page. */
    static void all(Call call, String entitySet, Iterator<ObjectNode> items) {
        String context = call.base() + "/api/$metadata#" + entitySet;
        Set<String> select = select(call);
        call.stream(200, g -> {
            g.writeStartObject();
            g.writeStringField("@odata.context", context);
            g.writeArrayFieldStart("value");
            while (items.hasNext()) {
                write(g, items.next(), select);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void write(JsonGenerator g, ObjectNode e, Set<String> select) throws IOException {
        if (select == null) {
            Call.JSON.writeTree(g, e);
            return;
        }
        g.writeStartObject();
        var fields = e.fields();
        while (fields.hasNext()) {
            var f = fields.next();
            if (select.contains(f.getKey().toLowerCase(Locale.ROOT))) {
                g.writeFieldName(f.getKey());
                Call.JSON.writeTree(g, f.getValue());
            }
        }
        g.writeEndObject();
    }

    static Set<String> select(Call call) {
        String s = call.query("$select");
        if (s == null || s.isBlank()) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        for (String f : s.split(",")) {
            out.add(f.trim().toLowerCase(Locale.ROOT));
        }
        return out;
    }

    static Integer intOption(Call call, String name) {
        String v = call.query(name);
        if (v == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ApiError(
                    400,
                    "ODataError",
                    "Invalid ODataQuery. The query parameter '" + name + "' value '" + v
                            + "' is not a valid non-negative integer.");
        }
    }
}

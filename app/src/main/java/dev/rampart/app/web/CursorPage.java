package dev.rampart.app.web;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * One page of a list: its items and, when more follow, an opaque cursor for the next page ({@code ?cursor=...}). The
 * cursor encodes the sort key and id of the last item, so pages stay stable while rows are added (keyset paging:
 * constant cost at any depth, unlike offsets).
 */
public record CursorPage<T>(List<T> items, String nextCursor) {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    public static int limit(Integer requested) {
        if (requested == null) {
            return DEFAULT_LIMIT;
        }
        if (requested < 1 || requested > MAX_LIMIT) {
            throw ApiProblem.invalid("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return requested;
    }

    /** Cuts a list fetched with {@code limit + 1} rows to the page, with a cursor from the last item kept. */
    public static <T> CursorPage<T> of(List<T> rows, int limit, java.util.function.Function<T, String> cursorOf) {
        if (rows.size() <= limit) {
            return new CursorPage<>(rows, null);
        }
        List<T> page = rows.subList(0, limit);
        return new CursorPage<>(List.copyOf(page), encode(cursorOf.apply(page.get(limit - 1))));
    }

    public static String encode(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The raw cursor, or null; a cursor that was not made here is a validation error. */
    public static String decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid("cursor", "is not a cursor this API returned");
        }
    }

    /** A cursor that holds one id (lists ordered by id), or {@code otherwise} when there is none. */
    public static long decodeId(String cursor, long otherwise) {
        String raw = decode(cursor);
        if (raw == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw ApiProblem.invalid("cursor", "is not a cursor this API returned");
        }
    }
}

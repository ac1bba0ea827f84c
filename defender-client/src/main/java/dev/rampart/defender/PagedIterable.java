package dev.rampart.defender;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rampart.defender.error.DecodeException;
import dev.rampart.defender.error.DefenderException;
import dev.rampart.defender.http.HttpPipeline;
import dev.rampart.defender.http.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Function;

/**
 * A lazy list read page by page as the caller iterates: nothing is fetched until it is needed. Iterating the items
 * streams them (one item in memory, whatever the page size); {@link #byPage()} hands out whole pages (one page in
 * memory). Items are read from the response stream with Jackson's streaming parser. Every style of paging the
 * APIs use is followed through its next link: Defender's {@code $skip} links, the export APIs' {@code $skiptoken},
 * Graph's {@code $skiptoken}. Because {@code $skip} paging over a list that changes can repeat items, items whose key
 * was on the previous or the current page are dropped and counted.
 *
 * <p>A page whose body cannot be decoded (truncated or invalid JSON) is fetched again, up to the retry limit; it is
 * never returned short.
 */
public final class PagedIterable<T> implements Iterable<T> {
    private static final JsonFactory FACTORY = new ObjectMapper().getFactory();

    private final HttpPipeline pipeline;
    private final HttpPipeline.Call first;
    private final Function<JsonNode, T> mapper;
    private final Function<T, String> key;
    private final int decodeRetries;
    private final int overlap;

    /**
     * @param key the identity of an item, for dropping repeats (null: none)
     * @param overlap for lists paged with {@code $skip}: each next page starts this many items early, so that items
     *     which moved up because earlier ones disappeared are still read (the repeats are dropped by key)
     */
    PagedIterable(
            HttpPipeline pipeline,
            HttpPipeline.Call first,
            Function<JsonNode, T> mapper,
            Function<T, String> key,
            int decodeRetries,
            int overlap) {
        this.pipeline = pipeline;
        this.first = first;
        this.mapper = mapper;
        this.key = key;
        this.decodeRetries = decodeRetries;
        this.overlap = key == null ? 0 : overlap;
    }

    /**
     * The item's key for dropping repeats; none for an item without a usable key (blank or missing), which is passed
     * on for the caller to judge rather than taken for a repeat of another keyless item.
     */
    String keyOf(T item) {
        String k = key == null ? null : key.apply(item);
        return k == null || k.isBlank() ? null : k;
    }

    private static final java.util.regex.Pattern SKIP = java.util.regex.Pattern.compile("([?&]\\$skip=)(\\d+)");

    /** The next link with its {@code $skip} moved back by the overlap; {@code applied[0]} says by how much. */
    String overlapped(String nextLink, int[] applied) {
        applied[0] = 0;
        if (overlap == 0) {
            return nextLink;
        }
        java.util.regex.Matcher m = SKIP.matcher(nextLink);
        if (!m.find()) {
            return nextLink;
        }
        long skip = Long.parseLong(m.group(2));
        long moved = Math.max(0, skip - overlap);
        applied[0] = (int) (skip - moved);
        return nextLink.substring(0, m.start(2)) + moved + nextLink.substring(m.end(2));
    }

    /** Counts what one page boundary showed: repeats beyond the overlap, items the overlap recovered, gaps. */
    static final class Boundary {
        long duplicates;
        long recovered;
        long gaps;

        void page(int applied, int fromPrevious, int withinPage) {
            duplicates += withinPage + Math.max(0, fromPrevious - applied);
            recovered += Math.max(0, applied - fromPrevious);
            if (applied > 0 && fromPrevious == 0) {
                gaps++;
            }
        }
    }

    /**
     * The items, streamed: one item is in memory at a time, however large the pages. If a page's body breaks off or
     * cannot be decoded, the page is fetched again and the items already returned from it are skipped, up to the retry
     * limit; then the iteration fails with a {@link DecodeException}, never silently short.
     */
    @Override
    public Items<T> iterator() {
        return new Items<>(this);
    }

    /** The streaming iterator, with what it has seen so far. */
    public static final class Items<T> extends Lookahead<T> {
        private final PagedIterable<T> list;
        private HttpPipeline.Call page;
        private Transport.Response response;
        private JsonParser parser;
        private String nextLink;
        private boolean done;
        private int inPage;
        private int attempts;
        private long pages;
        private final Boundary boundary = new Boundary();
        private int applied;
        private int fromPrevious;
        private int withinPage;
        private Set<String> previous = new HashSet<>();
        private Set<String> current = new HashSet<>();

        Items(PagedIterable<T> list) {
            this.list = list;
            this.page = list.first;
        }

        /** Pages opened so far. */
        public long pages() {
            return pages;
        }

        /** Items dropped because the page or the previous one already had them, beyond the deliberate overlap. */
        public long duplicates() {
            return boundary.duplicates;
        }

        /**
         * Items that plain {@code $skip} paging would have missed (the list moved up between two pages) and the overlap
         * caught.
         */
        public long recovered() {
            return boundary.recovered;
        }

        /**
         * Page boundaries where the list moved more than the overlap: items may have been missed there, and a caller
         * that needs a complete list should read it again.
         */
        public long possibleGaps() {
            return boundary.gaps;
        }

        @Override
        protected T compute() {
            while (!done) {
                try {
                    return advance();
                } catch (DecodeException e) {
                    close();
                    if (++attempts > list.decodeRetries) {
                        done = true;
                        throw new DecodeException(
                                "the page of " + page.endpoint() + " could not be decoded after " + attempts
                                        + " attempts: "
                                        + (e.getCause() == null
                                                ? e.getMessage()
                                                : e.getCause().getMessage()),
                                200,
                                null,
                                page.method(),
                                HttpPipeline.redact(page.uri()),
                                e.getCause());
                    }
                }
            }
            return null;
        }

        /** The next item that is not a repeat, or null at the end of the list. */
        private T advance() {
            while (true) {
                if (parser == null) {
                    open();
                }
                try {
                    JsonToken t = parser.nextToken();
                    if (t == JsonToken.START_OBJECT) {
                        JsonNode node = parser.readValueAsTree();
                        int position = ++inPage;
                        if (position <= skipOnReopen) {
                            continue;
                        }
                        T item = list.mapper.apply(node);
                        String k = list.keyOf(item);
                        if (k != null && previous.contains(k)) {
                            fromPrevious++;
                            continue;
                        }
                        if (k != null && !current.add(k)) {
                            withinPage++;
                            continue;
                        }
                        return item;
                    }
                    if (t != JsonToken.END_ARRAY) {
                        throw new DecodeException(
                                "undecodable page",
                                200,
                                null,
                                null,
                                null,
                                new JsonParseFailure("expected an item or the end of 'value'"));
                    }
                    nextLink = leaveValue(parser, nextLink);
                } catch (JsonParseFailure e) {
                    throw new DecodeException("undecodable page", 200, null, null, null, e);
                } catch (JsonProcessingException e) {
                    throw new DecodeException("undecodable page", 200, null, null, null, e);
                } catch (IOException e) {
                    throw new DecodeException("the page ended early", 200, null, null, null, e);
                }
                close();
                attempts = 0;
                skipOnReopen = 0;
                inPage = 0;
                boundary.page(applied, fromPrevious, withinPage);
                fromPrevious = 0;
                withinPage = 0;
                previous = current;
                current = new HashSet<>();
                if (nextLink == null) {
                    done = true;
                    return null;
                }
                int[] moved = new int[1];
                page = withUri(list.first, URI.create(list.overlapped(nextLink, moved)));
                applied = moved[0];
            }
        }

        private int skipOnReopen;

        /** Opens the current page and moves the parser to the first item of {@code value}. */
        private void open() {
            skipOnReopen = inPage;
            inPage = 0;
            nextLink = null;
            response = list.pipeline.execute(page);
            pages++;
            try {
                parser = FACTORY.createParser(response.body());
                nextLink = enterValue(parser);
            } catch (JsonParseFailure | JsonProcessingException e) {
                throw new DecodeException("undecodable page", 200, null, null, null, e);
            } catch (IOException e) {
                throw new DecodeException("the page ended early", 200, null, null, null, e);
            }
        }

        private void close() {
            try {
                if (parser != null) {
                    parser.close();
                }
                if (response != null) {
                    response.close();
                }
            } catch (IOException e) {
                // the page is being abandoned or is finished: nothing to recover
            }
            parser = null;
            response = null;
        }
    }

    /** The pages, from the first. */
    public Iterable<Page<T>> byPage() {
        return byPage(null);
    }

    /** The pages from a continuation token a previous page gave (null: from the first page). */
    public Iterable<Page<T>> byPage(String continuationToken) {
        return () -> new Iterator<>() {
            String next = continuationToken;
            boolean started = continuationToken != null;
            Set<String> previous = new HashSet<>();
            int applied;

            @Override
            public boolean hasNext() {
                return !started || next != null;
            }

            @Override
            public Page<T> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int[] moved = new int[1];
                // resuming from a token: the previous page is the caller's, so there is nothing to overlap with
                boolean resuming = started && previous.isEmpty();
                HttpPipeline.Call call =
                        !started ? first : withUri(first, URI.create(resuming ? next : overlapped(next, moved)));
                applied = moved[0];
                started = true;
                Raw<T> raw = fetch(call);
                Set<String> current = new HashSet<>();
                List<T> items = new ArrayList<>(raw.items.size());
                int fromPrevious = 0;
                int withinPage = 0;
                for (T item : raw.items) {
                    String k = keyOf(item);
                    if (k != null && previous.contains(k)) {
                        fromPrevious++;
                    } else if (k != null && !current.add(k)) {
                        withinPage++;
                    } else {
                        items.add(item);
                    }
                }
                Boundary b = new Boundary();
                b.page(applied, fromPrevious, withinPage);
                previous = current;
                next = raw.nextLink;
                return new Page<>(items, next, (int) b.duplicates);
            }
        };
    }

    private static HttpPipeline.Call withUri(HttpPipeline.Call c, URI uri) {
        return new HttpPipeline.Call(c.method(), uri, c.endpoint(), c.quota(), c.auth(), c.body(), c.roles());
    }

    private record Raw<T>(List<T> items, String nextLink) {}

    private Raw<T> fetch(HttpPipeline.Call call) {
        for (int attempt = 0; ; attempt++) {
            try (Transport.Response r = pipeline.execute(call)) {
                return parse(r.body());
            } catch (DecodeException e) {
                if (attempt >= decodeRetries) {
                    throw new DecodeException(
                            "the page of " + call.endpoint() + " could not be decoded after " + (attempt + 1)
                                    + " attempts: " + e.getCause().getMessage(),
                            200,
                            null,
                            call.method(),
                            HttpPipeline.redact(call.uri()),
                            e.getCause());
                }
            } catch (IOException e) {
                if (attempt >= decodeRetries) {
                    throw new DefenderException(
                            "the page of " + call.endpoint() + " could not be read: " + e.getMessage(),
                            0,
                            null,
                            call.method(),
                            HttpPipeline.redact(call.uri()),
                            null,
                            null,
                            e);
                }
            }
        }
    }

    private Raw<T> parse(InputStream body) {
        List<T> items = new ArrayList<>();
        try (JsonParser p = FACTORY.createParser(body)) {
            String nextLink = enterValue(p);
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
                items.add(mapper.apply(p.readValueAsTree()));
            }
            if (t != JsonToken.END_ARRAY) {
                throw new JsonParseFailure("expected an item or the end of 'value'");
            }
            return new Raw<>(items, leaveValue(p, nextLink));
        } catch (JsonProcessingException | JsonParseFailure e) {
            throw new DecodeException("undecodable page", 200, null, null, null, e);
        } catch (IOException e) {
            throw new DecodeException("the page ended early", 200, null, null, null, e);
        }
    }

    /**
     * Moves the parser of a list body to just inside its {@code value} array; returns the next link when the service
     * put it before {@code value} (Graph does), else null.
     */
    static String enterValue(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new JsonParseFailure("the body is not a JSON object");
        }
        String nextLink = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (name.equals("value") && t == JsonToken.START_ARRAY) {
                return nextLink;
            }
            if (name.equals("@odata.nextLink")) {
                nextLink = p.getValueAsString();
            } else {
                p.skipChildren();
            }
        }
        throw new JsonParseFailure("no 'value' array");
    }

    /**
     * Reads a list body from the end of its {@code value} array to its end: returns the next link found there
     * (Defender puts it after {@code value}), else {@code before}. The body must end where its JSON object ends.
     */
    static String leaveValue(JsonParser p, String before) throws IOException {
        String nextLink = before;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (name.equals("@odata.nextLink")) {
                nextLink = p.getValueAsString();
            } else {
                p.skipChildren();
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
            throw new JsonParseFailure("the body does not end where the JSON object ends");
        }
        return nextLink;
    }

    private static final class JsonParseFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        JsonParseFailure(String message) {
            super(message);
        }
    }
}

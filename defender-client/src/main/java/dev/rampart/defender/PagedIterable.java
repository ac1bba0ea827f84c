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
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Function;

/**
 * A lazy list read page by page as the caller iterates: nothing is fetched until it is needed, and memory holds one
 * page at most. Items are read from the response stream with Jackson's streaming parser. Every style of paging the
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

    PagedIterable(
            HttpPipeline pipeline,
            HttpPipeline.Call first,
            Function<JsonNode, T> mapper,
            Function<T, String> key,
            int decodeRetries) {
        this.pipeline = pipeline;
        this.first = first;
        this.mapper = mapper;
        this.key = key;
        this.decodeRetries = decodeRetries;
    }

    @Override
    public Iterator<T> iterator() {
        Iterator<Page<T>> pages = byPage().iterator();
        return new Iterator<>() {
            Iterator<T> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && pages.hasNext()) {
                    current = pages.next().items().iterator();
                }
                return current.hasNext();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
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

            @Override
            public boolean hasNext() {
                return !started || next != null;
            }

            @Override
            public Page<T> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                HttpPipeline.Call call = started ? withUri(first, URI.create(next)) : first;
                started = true;
                Raw<T> raw = fetch(call);
                Set<String> current = new HashSet<>();
                List<T> items = new ArrayList<>(raw.items.size());
                int duplicates = 0;
                for (T item : raw.items) {
                    String k = key == null ? null : key.apply(item);
                    if (k != null && (previous.contains(k) || !current.add(k))) {
                        duplicates++;
                        continue;
                    }
                    items.add(item);
                }
                previous = current;
                next = raw.nextLink;
                return new Page<>(items, next, duplicates);
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
        String nextLink = null;
        boolean sawValue = false;
        try (JsonParser p = FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new JsonParseFailure("the body is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (name.equals("value") && t == JsonToken.START_ARRAY) {
                    sawValue = true;
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        JsonNode item = p.readValueAsTree();
                        items.add(mapper.apply(item));
                    }
                } else if (name.equals("@odata.nextLink")) {
                    nextLink = p.getValueAsString();
                } else {
                    p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new JsonParseFailure("the body does not end where the JSON object ends");
            }
        } catch (JsonProcessingException e) {
            throw new DecodeException("undecodable page", 200, null, null, null, e);
        } catch (JsonParseFailure e) {
            throw new DecodeException("undecodable page", 200, null, null, null, e);
        } catch (IOException e) {
            throw new DecodeException("the page ended early", 200, null, null, null, e);
        }
        if (!sawValue) {
            throw new DecodeException(
                    "undecodable page", 200, null, null, null, new JsonParseFailure("no 'value' array"));
        }
        return new Raw<>(items, nextLink);
    }

    private static final class JsonParseFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        JsonParseFailure(String message) {
            super(message);
        }
    }
}

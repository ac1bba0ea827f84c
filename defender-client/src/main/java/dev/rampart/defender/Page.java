package dev.rampart.defender;

import java.util.List;

/**
 * One page of a list: its items and the continuation token (the service's next link, opaque) from which the next page
 * is read, or null on the last page. {@code duplicates} counts items dropped because an earlier page already had them.
 */
public record Page<T>(List<T> items, String continuationToken, int duplicates) {
    public Page {
        items = List.copyOf(items);
    }
}

package dev.rampart.emulator.api;

import java.util.Iterator;
import java.util.NoSuchElementException;

/** An iterator that works out its next item only when asked; {@link #compute()} returns null at the end. */
abstract class Lookahead<T> implements Iterator<T> {
    private T next;
    private boolean done;

    /** The next item, or null when there are no more. */
    protected abstract T compute();

    @Override
    public final boolean hasNext() {
        if (next == null && !done) {
            next = compute();
            done = next == null;
        }
        return next != null;
    }

    @Override
    public final T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T t = next;
        next = null;
        return t;
    }
}

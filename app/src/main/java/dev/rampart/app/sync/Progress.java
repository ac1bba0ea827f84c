package dev.rampart.app.sync;

/** What a run reports while it runs: the phase, counts so far, warnings. Implementations keep the run row current. */
interface Progress {
    void phase(String phase);

    void count(String key, long value);

    void warning(String message);
}

package io.spikestream.topics;

import java.util.Locale;

/**
 * What the stream app promises about the classifications topic when it fails; readers of the topic
 * (the bench) check their counts against it.
 *
 * <ul>
 *   <li>{@link #EXACTLY_ONCE} (the default): Kafka Streams' exactly-once v2. Each decision, the camera
 *       state that led to it and the input offsets commit in one transaction, so a read_committed
 *       consumer sees every decision exactly once, but only when its transaction commits: the commit
 *       interval is part of the decision latency.</li>
 *   <li>{@link #AT_LEAST_ONCE}: a decision is produced as soon as it is made. After a crash the input
 *       since the last commit is processed again; decisions are deterministic functions of the input, so
 *       a decision made again is the same decision with the same record key
 *       ({@link DecisionKey}), which consumers drop ({@link Decisions}).
 *       Nothing is lost.</li>
 * </ul>
 */
public enum Guarantee {
    AT_LEAST_ONCE("at-least-once"),
    EXACTLY_ONCE("exactly-once");

    private final String text;

    Guarantee(String text) {
        this.text = text;
    }

    /** The name on the command line and in settings: {@code at-least-once} or {@code exactly-once}. */
    public String text() {
        return text;
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static Guarantee parse(String s) {
        String v = s == null ? "" : s.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Guarantee g : values()) {
            if (g.text.equals(v)) {
                return g;
            }
        }
        throw new IllegalArgumentException("guarantee '" + s + "': expected at-least-once or exactly-once");
    }

    @Override
    public String toString() {
        return text;
    }
}

package io.spikestream.bench;

import java.util.Locale;

/**
 * The stages of a decision's latency, in pipeline order; together they run from the intended send time of
 * the deciding packet to the moment the bench consumer reads the decision. Kafka timestamps (the broker's
 * append times, when the topics use {@code LogAppendTime}) have millisecond resolution, so the boundary
 * between the stages on either side of a broker append is good to about a millisecond; the stream app
 * and the bench stamp their times in ns.
 */
public enum Stage {
    /** Intended send of the deciding packet → its append at the broker (replay lateness, producer, network). */
    TO_BROKER("intended send → broker append"),
    /** Broker append → the stream app's consumer returned the record from poll (fetch). */
    TO_POLL("broker append → stream app poll"),
    /** Poll → the deciding frame closed (waiting behind other records, decoding, framing). */
    TO_FRAME("poll → frame closed"),
    /** Frame closed → decision computed (the network step and the exit rule). */
    COMPUTE("frame closed → decision computed"),
    /** Decision computed → the classification's append at the broker (producer, network). */
    TO_PRODUCE("decision computed → produced (broker append)"),
    /** Append → read by the bench's read_committed consumer (the transaction's commit, the fetch). */
    TO_VISIBLE("produced → visible to a read_committed consumer");

    private final String description;

    Stage(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** The stage's key in report.json, e.g. {@code to_broker}. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

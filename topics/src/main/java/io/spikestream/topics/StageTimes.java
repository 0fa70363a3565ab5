package io.spikestream.topics;

/**
 * When the deciding packet and the decision passed each stage on their way through the pipeline, for the
 * latency breakdown; 0 where a time is unknown (an older producer or stream app, or a camera whose network
 * state was rebuilt after a restart). Together with {@link Decision#decidingPacketIntendedSendNs()} and
 * {@link Decision#emittedAtNs()}, and the classification record's own timestamp and read time on the
 * consumer side, they split a decision's latency into intended send → broker append → stream app poll →
 * frame closed → decision computed → produced → visible.
 *
 * @param actualSendNs      when the deciding packet was handed to the producer (ns since the Unix epoch)
 * @param recordTimestampMs the Kafka timestamp of the deciding packet's record (ms since the epoch): the
 *                          broker's append time when the events topic uses {@code LogAppendTime}, else the
 *                          producer's create time
 * @param polledNs          when the stream app's consumer returned that record from poll (ns since the epoch)
 * @param frameClosedNs     when the deciding frame closed, before its network step (ns since the epoch)
 */
public record StageTimes(long actualSendNs, long recordTimestampMs, long polledNs, long frameClosedNs) {
    /** Nothing known. */
    public static final StageTimes NONE = new StageTimes(0, 0, 0, 0);

    /**
     * The times fixed by the input alone (the packet's send and its record's timestamp); the poll and
     * frame-close times of a re-run differ.
     */
    public StageTimes deterministicPart() {
        return new StageTimes(actualSendNs, recordTimestampMs, 0, 0);
    }
}

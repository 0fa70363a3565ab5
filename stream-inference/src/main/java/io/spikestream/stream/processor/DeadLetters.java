package io.spikestream.stream.processor;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Header names of dead-letter records; the value is the original record's bytes, unchanged. */
public final class DeadLetters {
    /** Why the record was rejected, one line naming the field and index. */
    public static final String REASON = "spikestream.dlq.reason";
    /** Short category: unparseable, bad-packet, wrong-geometry, camera-mismatch, no-camera, time-backwards, bad-state. */
    public static final String KIND = "spikestream.dlq.kind";
    /** Where the record came from: topic, partition, offset. */
    public static final String TOPIC = "spikestream.dlq.topic";
    public static final String PARTITION = "spikestream.dlq.partition";
    public static final String OFFSET = "spikestream.dlq.offset";

    private DeadLetters() {
    }

    static Headers headers(Headers original, String kind, String reason, String topic, int partition, long offset) {
        Headers h = new RecordHeaders(original == null ? new RecordHeaders().toArray() : original.toArray());
        h.add(KIND, bytes(kind));
        h.add(REASON, bytes(reason));
        h.add(TOPIC, bytes(topic));
        h.add(PARTITION, bytes(Integer.toString(partition)));
        h.add(OFFSET, bytes(Long.toString(offset)));
        return h;
    }

    /** A header's value as text, or null when absent. */
    public static String header(Headers headers, String name) {
        var h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

package io.spikestream.topics;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers of a dead-letter record; its key and value are the rejected record's, unchanged, and its
 * original headers are kept ahead of these.
 */
public final class DeadLetterHeaders {
    /** Why the record was rejected, one line naming the field and index. */
    public static final String REASON = "spikestream.dlq.reason";
    /** The {@link DeadLetterKind#wireName()}. */
    public static final String KIND = "spikestream.dlq.kind";
    /** Where the record came from: topic, partition, offset. */
    public static final String TOPIC = "spikestream.dlq.topic";
    public static final String PARTITION = "spikestream.dlq.partition";
    public static final String OFFSET = "spikestream.dlq.offset";

    private DeadLetterHeaders() {
    }

    /** The original headers followed by the dead-letter headers. */
    public static Headers of(Headers original, DeadLetterKind kind, String reason, String topic, int partition,
                             long offset) {
        Headers h = new RecordHeaders(original == null ? new Header[0] : original.toArray());
        h.add(KIND, bytes(kind.wireName()));
        h.add(REASON, bytes(reason));
        h.add(TOPIC, bytes(topic));
        h.add(PARTITION, bytes(Integer.toString(partition)));
        h.add(OFFSET, bytes(Long.toString(offset)));
        return h;
    }

    /** A header's value as text, or null when absent. */
    public static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

package io.spikestream.topics;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The headers of a dead-letter record; its key and value are the rejected record's, and its original
 * headers are kept ahead of these. A copy that would not fit in one Kafka record is cut
 * ({@link DeadLetterRecord}), and then {@link #TRUNCATED} says what was cut and the
 * {@code original-*} headers how large it was.
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
    /** Present only on a cut copy: which of {@code key}, {@code value}, {@code headers}, {@code reason} were cut. */
    public static final String TRUNCATED = "spikestream.dlq.truncated";
    /** The original key's size in UTF-8 bytes, when the key was cut. */
    public static final String ORIGINAL_KEY_BYTES = "spikestream.dlq.original-key-bytes";
    /** The original value's size in bytes, when the value was cut. */
    public static final String ORIGINAL_VALUE_BYTES = "spikestream.dlq.original-value-bytes";
    /** How many of the original headers were left out, when some were. */
    public static final String DROPPED_HEADERS = "spikestream.dlq.dropped-headers";

    private DeadLetterHeaders() {
    }

    /** A header's value as text, or null when absent. */
    public static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

}

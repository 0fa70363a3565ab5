package io.spikestream.stream.processor;

import io.spikestream.topics.DeadLetterRecord;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The sizes the stream app checks before it writes anything, so that no record it produces can be
 * refused by its producer (a refused record would make the task fail on the same input again and
 * again). The limit for a whole record is the producer's {@code max.request.size} (Kafka's default
 * 1 MiB; {@code -X max.request.size=...} or {@code -X producer.max.request.size=...} changes it, and it
 * should stay at or under the topics' {@code max.message.bytes}); ids have fixed limits.
 *
 * @param maxRecordBytes the producer's {@code max.request.size}
 */
public record RecordLimits(int maxRecordBytes) {
    /** Longest camera id (record key), in UTF-8 bytes. */
    public static final int MAX_CAMERA_ID_BYTES = DeadLetterRecord.MAX_KEY_BYTES;
    /** Longest sample id of replay metadata, in UTF-8 bytes. */
    public static final int MAX_SAMPLE_ID_BYTES = 1024;
    /**
     * Event times must lie in 0 .. 2^56 µs (2,283 years: sensor clocks and Unix-epoch clocks alike), so
     * that frame arithmetic on them cannot overflow.
     */
    public static final long MAX_EVENT_TIME_US = 1L << 56;
    /** Kafka's default {@code max.request.size}. */
    public static final int DEFAULT_MAX_REQUEST_SIZE = 1_048_576;
    /** The smallest {@code max.request.size} the app accepts: room for a dead-letter copy with its headers. */
    public static final int MIN_RECORD_BYTES = 4096;

    public static final RecordLimits DEFAULT = new RecordLimits(DEFAULT_MAX_REQUEST_SIZE);

    public RecordLimits {
        if (maxRecordBytes < MIN_RECORD_BYTES) {
            throw new IllegalArgumentException("max.request.size " + maxRecordBytes + " is below the "
                    + MIN_RECORD_BYTES + " bytes the stream app needs");
        }
    }

    /** The limits for Kafka Streams properties: the producer's {@code max.request.size} as Kafka Streams resolves it. */
    public static RecordLimits of(Properties streamsProperties) {
        String key = StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        Object v = streamsProperties.get(key);
        if (v == null) {
            key = ProducerConfig.MAX_REQUEST_SIZE_CONFIG;
            v = streamsProperties.get(key);
        }
        if (v == null) {
            return DEFAULT;
        }
        try {
            return new RecordLimits(Integer.parseInt(v.toString().trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " = '" + v + "' is not an integer");
        }
    }

    /** True when a record with this key and value (no headers) can be written. */
    public boolean fits(int keyBytes, int valueBytes) {
        return (long) keyBytes + valueBytes + DeadLetterRecord.RECORD_OVERHEAD_BYTES <= maxRecordBytes;
    }

    /** The largest value that fits with a key of {@code keyBytes}. */
    public int maxValueBytes(int keyBytes) {
        return maxRecordBytes - DeadLetterRecord.RECORD_OVERHEAD_BYTES - keyBytes;
    }
}

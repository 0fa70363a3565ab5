package io.spikestream.topics;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A dead-letter copy of a rejected record that always fits in one Kafka record of {@code maxRecordBytes}
 * (the producer's {@code max.request.size}): a rejected record may itself be close to that limit, and
 * its copy adds headers. Cut in this order until it fits: the key to {@link #MAX_KEY_BYTES}, the reason
 * to {@link #MAX_REASON_CHARS}, the original headers to {@link #MAX_ORIGINAL_HEADER_BYTES}, then the
 * value's tail. What was cut is recorded in {@link DeadLetterHeaders#TRUNCATED} and the
 * {@code original-*} headers, so a reader can tell a cut copy from the original.
 *
 * @param key     the (possibly cut) key
 * @param value   the (possibly cut) value; null for a tombstone
 * @param headers original headers (those that fit), then the dead-letter headers
 */
public record DeadLetterRecord(String key, byte[] value, Headers headers) {
    /** Longest key kept, in UTF-8 bytes (camera ids are at most this long). */
    public static final int MAX_KEY_BYTES = 256;
    /** Longest reason kept, in characters. */
    public static final int MAX_REASON_CHARS = 1000;
    /** Room for the original headers, in bytes of names and values. */
    public static final int MAX_ORIGINAL_HEADER_BYTES = 16 * 1024;
    /**
     * Allowance for Kafka's batch and record framing and the size varints, above Kafka's own upper
     * bound for one record ({@code AbstractRecords.estimateSizeInBytesUpperBound}) with a margin.
     */
    public static final int RECORD_OVERHEAD_BYTES = 512;
    /** Per-header allowance for its framing (name length, value length, varints). */
    public static final int HEADER_OVERHEAD_BYTES = 16;

    /**
     * The bounded copy.
     *
     * @param maxRecordBytes the producer's {@code max.request.size}
     * @throws IllegalArgumentException when even an empty copy would not fit (a limit far below any
     *                                  sensible {@code max.request.size})
     */
    public static DeadLetterRecord of(String key, byte[] value, Headers original, DeadLetterKind kind, String reason,
                                      String topic, int partition, long offset, int maxRecordBytes) {
        List<String> cut = new ArrayList<>();
        Headers h = new RecordHeaders();
        int originalKeyBytes = key == null ? 0 : utf8Length(key);
        String k = key;
        if (originalKeyBytes > MAX_KEY_BYTES) {
            k = prefix(key, MAX_KEY_BYTES);
            cut.add("key");
        }
        int dropped = 0;
        int kept = 0;
        if (original != null) {
            for (Header x : original) {
                int size = headerSize(x);
                if (dropped == 0 && kept + size <= MAX_ORIGINAL_HEADER_BYTES) {
                    h.add(x);
                    kept += size;
                } else {
                    dropped++; // keep a prefix of the list, so that the order stays meaningful
                }
            }
        }
        if (dropped > 0) {
            cut.add("headers");
        }
        String r = reason == null ? "" : reason;
        if (r.length() > MAX_REASON_CHARS) {
            r = r.substring(0, MAX_REASON_CHARS) + "... (" + reason.length() + " characters)";
            cut.add("reason");
        }
        h.add(DeadLetterHeaders.KIND, bytes(kind.wireName()));
        h.add(DeadLetterHeaders.REASON, bytes(r));
        h.add(DeadLetterHeaders.TOPIC, bytes(topic == null ? "?" : prefix(topic, MAX_KEY_BYTES)));
        h.add(DeadLetterHeaders.PARTITION, bytes(Integer.toString(partition)));
        h.add(DeadLetterHeaders.OFFSET, bytes(Long.toString(offset)));
        byte[] v = value;
        // what the value may take: the limit less everything else, including the truncation headers
        // that may still be added (their worst case is counted whether or not they are)
        int fixed = RECORD_OVERHEAD_BYTES + (k == null ? 0 : utf8Length(k)) + headersSize(h)
                + truncationHeadersWorstCase();
        int room = maxRecordBytes - fixed;
        if (room < 0) {
            throw new IllegalArgumentException("a dead-letter record needs more than " + fixed + " bytes; max.request.size "
                    + maxRecordBytes + " is too small");
        }
        if (value != null && value.length > room) {
            v = Arrays.copyOf(value, room);
            cut.add("value");
        }
        if (!cut.isEmpty()) {
            h.add(DeadLetterHeaders.TRUNCATED, bytes(String.join(",", cut)));
            if (cut.contains("key")) {
                h.add(DeadLetterHeaders.ORIGINAL_KEY_BYTES, bytes(Integer.toString(originalKeyBytes)));
            }
            if (cut.contains("value")) {
                h.add(DeadLetterHeaders.ORIGINAL_VALUE_BYTES, bytes(Integer.toString(value.length)));
            }
            if (dropped > 0) {
                h.add(DeadLetterHeaders.DROPPED_HEADERS, bytes(Integer.toString(dropped)));
            }
        }
        return new DeadLetterRecord(k, v, h);
    }

    /** Key, value and headers in bytes, without Kafka's framing. */
    public int sizeInBytes() {
        return (key == null ? 0 : utf8Length(key)) + (value == null ? 0 : value.length) + headersSize(headers);
    }

    private static int truncationHeadersWorstCase() {
        return DeadLetterHeaders.TRUNCATED.length() + "key,headers,reason,value".length()
                + DeadLetterHeaders.ORIGINAL_KEY_BYTES.length() + DeadLetterHeaders.ORIGINAL_VALUE_BYTES.length()
                + DeadLetterHeaders.DROPPED_HEADERS.length() + 3 * 11 + 4 * HEADER_OVERHEAD_BYTES;
    }

    /** Bytes of the headers' names and values plus a per-header framing allowance. */
    public static int headersSize(Headers headers) {
        int n = 0;
        if (headers != null) {
            for (Header x : headers) {
                n += headerSize(x);
            }
        }
        return n;
    }

    private static int headerSize(Header x) {
        return utf8Length(x.key()) + (x.value() == null ? 0 : x.value().length) + HEADER_OVERHEAD_BYTES;
    }

    /** UTF-8 length of {@code s} without encoding it. */
    public static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** The longest prefix of {@code s} whose UTF-8 form has at most {@code maxBytes} bytes (never a half character). */
    static String prefix(String s, int maxBytes) {
        if (utf8Length(s) <= maxBytes) {
            return s;
        }
        CharsetEncoder enc = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        ByteBuffer out = ByteBuffer.allocate(maxBytes);
        CharBuffer in = CharBuffer.wrap(s);
        enc.encode(in, out, true); // stops before the first character that does not fit whole
        return s.substring(0, in.position());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

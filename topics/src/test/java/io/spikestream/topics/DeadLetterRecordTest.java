package io.spikestream.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.junit.jupiter.api.Test;

/** Dead-letter copies fit in one Kafka record, by Kafka's own size estimate, and say what was cut. */
class DeadLetterRecordTest {
    private static final int LIMIT = 1_048_576; // Kafka's default max.request.size

    private static int kafkaSize(DeadLetterRecord r) {
        return AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE,
                r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8), r.value(), r.headers().toArray());
    }

    @Test
    void aSmallRecordIsCopiedWhole() {
        Headers original = new RecordHeaders();
        original.add("trace", new byte[] {7});
        DeadLetterRecord r = DeadLetterRecord.of("cam", new byte[] {1, 2}, original, DeadLetterKind.BAD_PACKET, "why",
                "dvs-events", 0, 5, LIMIT);
        assertThat(r.key()).isEqualTo("cam");
        assertThat(r.value()).containsExactly(1, 2);
        assertThat(r.headers().lastHeader("trace").value()).containsExactly(7);
        assertThat(r.headers().lastHeader(DeadLetterHeaders.TRUNCATED)).isNull();
    }

    @Test
    void aValueAtTheLimitIsCutToFitAndTheCutIsRecorded() {
        // the probe's record: a value that fits on its own, but not with the dead-letter headers added
        byte[] garbage = new byte[1_048_480];
        Arrays.fill(garbage, (byte) 0x5A);
        DeadLetterRecord r = DeadLetterRecord.of("cam", garbage, new RecordHeaders(), DeadLetterKind.UNPARSEABLE,
                "not an EventPacket", "dvs-events", 3, 17, LIMIT);
        assertThat(kafkaSize(r)).isLessThanOrEqualTo(LIMIT);
        assertThat(r.value().length).isLessThan(garbage.length).isGreaterThan(garbage.length - 4096);
        assertThat(r.value()).isEqualTo(Arrays.copyOf(garbage, r.value().length));
        assertThat(DeadLetterHeaders.header(r.headers(), DeadLetterHeaders.TRUNCATED)).isEqualTo("value");
        assertThat(DeadLetterHeaders.header(r.headers(), DeadLetterHeaders.ORIGINAL_VALUE_BYTES)).isEqualTo("1048480");
        assertThat(DeadLetterHeaders.header(r.headers(), DeadLetterHeaders.OFFSET)).isEqualTo("17");
    }

    @Test
    void aHugeKeyReasonAndHeadersAreCutWithoutSplittingACharacter() {
        String key = "é".repeat(300_000); // 600,000 UTF-8 bytes
        Headers original = new RecordHeaders();
        for (int i = 0; i < 100; i++) {
            original.add("h" + i, new byte[1000]);
        }
        DeadLetterRecord r = DeadLetterRecord.of(key, new byte[900_000], original, DeadLetterKind.CAMERA_MISMATCH,
                "camera_id \"" + key + "\" differs", "dvs-events", 0, 1, LIMIT);
        assertThat(kafkaSize(r)).isLessThanOrEqualTo(LIMIT);
        assertThat(r.key()).isEqualTo("é".repeat(128));
        assertThat(DeadLetterHeaders.header(r.headers(), DeadLetterHeaders.TRUNCATED)).isEqualTo("key,headers,reason");
        assertThat(DeadLetterHeaders.header(r.headers(), DeadLetterHeaders.ORIGINAL_KEY_BYTES)).isEqualTo("600000");
        assertThat(DeadLetterHeaders.header(r.headers(), DeadLetterHeaders.REASON)).hasSizeLessThan(1100)
                .endsWith("(" + (key.length() + 20) + " characters)");
        int dropped = Integer.parseInt(DeadLetterHeaders.header(r.headers(), DeadLetterHeaders.DROPPED_HEADERS));
        assertThat(r.headers().lastHeader("h0")).isNotNull();
        assertThat(r.headers().lastHeader("h" + (100 - dropped))).isNull();
        assertThat(r.headers().lastHeader("h" + (99 - dropped))).isNotNull();
        assertThat(r.value()).hasSize(900_000);
    }

    @Test
    void smallLimitsCutTheValueToWhatIsLeft() {
        for (int limit : new int[] {4096, 65_536, 100_000}) {
            DeadLetterRecord r = DeadLetterRecord.of("k", new byte[200_000], null, DeadLetterKind.BAD_PACKET, "r",
                    "t", 0, 0, limit);
            assertThat(kafkaSize(r)).as("limit %d", limit).isLessThanOrEqualTo(limit);
            assertThat(r.value().length).isGreaterThan(limit - 1500);
        }
        assertThatThrownBy(() -> DeadLetterRecord.of("k", new byte[10], null, DeadLetterKind.BAD_PACKET, "r", "t", 0, 0,
                300)).hasMessageContaining("max.request.size 300 is too small");
    }

    @Test
    void aTombstoneStaysATombstone() {
        DeadLetterRecord r = DeadLetterRecord.of(null, null, null, DeadLetterKind.UNPARSEABLE, "null", "t", 0, 0, LIMIT);
        assertThat(r.key()).isNull();
        assertThat(r.value()).isNull();
        assertThat(r.sizeInBytes()).isPositive();
    }
}

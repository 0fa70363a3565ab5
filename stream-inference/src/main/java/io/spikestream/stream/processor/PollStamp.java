package io.spikestream.stream.processor;

import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Stamps each record that the stream app's main consumer returns from poll with the wall-clock time of
 * that poll (a {@value #HEADER} header, 8 bytes big-endian, ns since the Unix epoch), so that the
 * processor can tell how long the deciding packet waited in the app before its turn: Kafka Streams hands
 * records to the processor without their poll time. The processor reads the stamp and removes it
 * ({@link #take}), so it goes nowhere else. Installed by {@code AppConfig} as the main consumer's interceptor.
 */
public final class PollStamp implements ConsumerInterceptor<byte[], byte[]> {
    /** The header holding the poll time. */
    public static final String HEADER = "spikestream.polled-ns";

    @Override
    public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty()) {
            return records;
        }
        byte[] now = ByteBuffer.allocate(Long.BYTES).putLong(EpochNanos.now()).array();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            r.headers().add(HEADER, now);
        }
        return records;
    }

    /** The poll time of a record's headers (0 when it has none), and the header removed. */
    public static long take(Headers headers) {
        if (headers == null) {
            return 0;
        }
        Header h = headers.lastHeader(HEADER);
        if (h == null) {
            return 0;
        }
        headers.remove(HEADER);
        byte[] v = h.value();
        return v != null && v.length == Long.BYTES ? ByteBuffer.wrap(v).getLong() : 0;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    }

    @Override
    public void close() {
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}

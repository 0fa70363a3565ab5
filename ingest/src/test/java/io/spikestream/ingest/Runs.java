package io.spikestream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.events.EventBatch;
import io.spikestream.events.PacketCodec;
import io.spikestream.proto.v1.EventPacket;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Running an ingest in a test and checking what it delivered. */
final class Runs {
    private Runs() {
    }

    static IngestConfig.Builder config(String topic, String... sources) {
        // the senders of these tests are not real time: no heartbeats (their own test paces a camera)
        IngestConfig.Builder b = IngestConfig.builder().topic(topic).stopTimeout(Duration.ofSeconds(20))
                .reconnect(Duration.ofMillis(20), Duration.ofMillis(200)).heartbeat(Duration.ZERO);
        for (String s : sources) {
            b.source(SourceConfig.parse(s, SourceConfig.Defaults.NONE));
        }
        return b;
    }

    /** Waits for {@code condition}, failing with {@code what} after {@code timeout}. */
    static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        await(null, condition, timeout, what);
    }

    /** As {@link #await(BooleanSupplier, Duration, String)}; a timeout shows the ingest's counters. */
    static void await(Ingest in, BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what
                        + (in == null ? "" : "; ingest: " + in.summary()));
            }
            Thread.sleep(10);
        }
    }

    static SourceStats source(Ingest in, String camera) {
        return in.sources().stream().filter(s -> s.config().camera().equals(camera)).findFirst().orElseThrow();
    }

    /**
     * The camera's packets are numbered 0, 1, 2 … without gaps, hold exactly {@code expected} in
     * order, and keep their watermark promise: no packet holds an event below an earlier watermark,
     * and each watermark is at least its packet's last event time.
     */
    static void assertDelivered(List<EventPacket> packets, EventBatch expected) {
        assertThat(packets).isNotEmpty();
        long watermark = Long.MIN_VALUE;
        for (int i = 0; i < packets.size(); i++) {
            EventPacket p = packets.get(i);
            assertThat(p.getSequence()).isEqualTo(i);
            assertThat(p.hasWatermarkUs()).isTrue();
            assertThat(p.getWatermarkUs()).isGreaterThanOrEqualTo(watermark);
            EventBatch b = PacketCodec.decode(p);
            if (b.size() > 0) {
                assertThat(b.t(0)).as("packet %d starts below the watermark promised before it", i).isGreaterThanOrEqualTo(watermark);
                assertThat(p.getWatermarkUs()).isGreaterThanOrEqualTo(b.t(b.size() - 1));
            }
            watermark = p.getWatermarkUs();
        }
        assertThat(Kafka.events(packets)).isEqualTo(expected);
    }
}

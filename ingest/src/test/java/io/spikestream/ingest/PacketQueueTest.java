package io.spikestream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bounded queue: drop-oldest counts every dropped packet and event; block waits; abandon counts the rest. */
class PacketQueueTest {
    private final SourceStats stats = new SourceStats(SourceConfig.parse("file:x", SourceConfig.Defaults.NONE));

    private OutPacket packet(long seq, int events) {
        return new OutPacket("cam", new byte[1], events, seq, stats);
    }

    @Test
    void dropOldestKeepsTheNewestAndCountsWhatItDrops() throws Exception {
        PacketQueue q = new PacketQueue(3, Overflow.DROP_OLDEST, stats, () -> { });
        for (int i = 0; i < 10; i++) {
            q.put(packet(i, 10 + i));
        }
        assertThat(stats.droppedPackets()).isEqualTo(7);
        assertThat(stats.droppedEvents()).isEqualTo(10 + 11 + 12 + 13 + 14 + 15 + 16);
        assertThat(q.poll().sequence()).isEqualTo(7);
        assertThat(q.poll().sequence()).isEqualTo(8);
        assertThat(q.poll().sequence()).isEqualTo(9);
        assertThat(q.poll()).isNull();
    }

    @Test
    void blockWaitsForRoomAndLosesNothing() throws Exception {
        PacketQueue q = new PacketQueue(2, Overflow.BLOCK, stats, () -> { });
        q.put(packet(0, 1));
        q.put(packet(1, 1));
        CountDownLatch third = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                q.put(packet(2, 1));
                third.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        assertThat(third.await(300, TimeUnit.MILLISECONDS)).as("a full queue blocks").isFalse();
        assertThat(q.poll().sequence()).isZero();
        assertThat(third.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(q.poll().sequence()).isEqualTo(1);
        assertThat(q.poll().sequence()).isEqualTo(2);
        assertThat(stats.droppedPackets()).isZero();
        q.close();
        assertThat(q.drained()).isTrue();
    }

    @Test
    void abandoningCountsQueuedAndLaterPacketsAsDropped() throws Exception {
        PacketQueue q = new PacketQueue(1, Overflow.BLOCK, stats, () -> { });
        q.put(packet(0, 5));
        q.abandon();
        q.put(packet(1, 7));
        assertThat(stats.droppedEvents()).isEqualTo(12);
        assertThat(q.poll()).isNull();
    }
}

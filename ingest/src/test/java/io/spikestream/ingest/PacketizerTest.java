package io.spikestream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.events.EventBatch;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.EventDataException;
import io.spikestream.events.PacketCodec;
import io.spikestream.events.SensorGeometry;
import io.spikestream.proto.v1.EventPacket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Packets by event-time window, size and quiet; watermarks that hold; heartbeats that follow the wall clock. */
class PacketizerTest {
    private static final SensorGeometry G = new SensorGeometry(32, 32);
    private final List<EventPacket> sent = new ArrayList<>();
    private final SourceStats stats = new SourceStats(SourceConfig.parse("file:x", SourceConfig.Defaults.NONE));

    private Packetizer packetizer(long packetUs, int maxEvents, long latenessUs) {
        IngestConfig c = IngestConfig.builder().source(stats.config()).packetUs(packetUs).maxPacketEvents(maxEvents)
                .heartbeat(Duration.ofMillis(10)).latenessUs(latenessUs).build();
        return new Packetizer("cam", G, c, true, p -> sent.add(PacketCodec.parse(p.value())), stats);
    }

    private static EventBuffer events(long... times) {
        EventBuffer b = new EventBuffer(G, times.length);
        for (int i = 0; i < times.length; i++) {
            b.add(i % 32, (i / 32) % 32, i % 2 == 0, times[i]);
        }
        return b;
    }

    @Test
    void packetsFollowEventTimeWindowsAndCarryTheNextEventAsWatermark() throws Exception {
        Packetizer p = packetizer(1000, 100, 0);
        p.accept(events(10, 500, 999, 1000, 1999, 2500, 5000), 0);
        assertThat(sent).hasSize(3);
        assertThat(PacketCodec.decode(sent.get(0)).size()).isEqualTo(3);
        assertThat(sent.get(0).getWatermarkUs()).isEqualTo(1000);
        assertThat(sent.get(1).getWatermarkUs()).isEqualTo(2500);
        assertThat(sent.get(2).getWatermarkUs()).isEqualTo(5000);
        assertThat(sent).extracting(EventPacket::getSequence).containsExactly(0L, 1L, 2L);
        assertThat(sent).extracting(EventPacket::getCameraId).containsOnly("cam");
        p.drain(0);
        assertThat(sent).hasSize(4);
        assertThat(PacketCodec.decode(sent.get(3)).t(0)).isEqualTo(5000);
        assertThat(sent.get(3).getWatermarkUs()).as("a flush promises the latest time seen").isEqualTo(5000);
    }

    @Test
    void aBusyWindowIsSplitAtTheEventLimitAndEveryEventGoesOutOnceInOrder() throws Exception {
        Packetizer p = packetizer(1_000_000, 64, 0);
        long[] t = new long[1000];
        for (int i = 0; i < t.length; i++) {
            t[i] = 7 + i / 3;
        }
        EventBuffer in = events(t);
        p.accept(in, 0);
        p.drain(0);
        EventBuffer all = new EventBuffer(G, 1000);
        long lastWatermark = Long.MIN_VALUE;
        for (EventPacket e : sent) {
            assertThat(e.getEventCount()).isLessThanOrEqualTo(64);
            EventBatch b = PacketCodec.decode(e);
            assertThat(b.t(0)).as("no event of a packet lies below an earlier watermark").isGreaterThanOrEqualTo(lastWatermark);
            lastWatermark = e.getWatermarkUs();
            b.copyTo(all);
        }
        assertThat(all.toBatch()).isEqualTo(in.toBatch());
    }

    @Test
    void aQuietSourceFlushesAtMostOncePerPacketIntervalOfWallTime() throws Exception {
        Packetizer p = packetizer(5000, 100, 0);
        p.accept(events(10), 0);
        p.flush(0);
        assertThat(sent).as("the first events go out at once").hasSize(1);
        p.accept(events(20), 1_000_000);
        p.flush(1_000_000);
        assertThat(sent).as("a packet went out 1 ms ago").hasSize(1);
        assertThat(p.nanosToWork(1_000_000)).isEqualTo(4_000_000);
        p.flush(5_000_000);
        assertThat(sent).hasSize(2);
        assertThat(PacketCodec.decode(sent.get(1)).t(0)).isEqualTo(20);
    }

    @Test
    void eventsBelowAWatermarkAlreadySentAreDroppedAndCounted() throws Exception {
        Packetizer p = packetizer(1000, 100, 0);
        p.accept(events(100, 200), 0);
        p.flush(0);
        p.accept(events(150, 200, 300), 0);
        p.drain(0);
        assertThat(stats.lateEvents()).isEqualTo(1);
        assertThat(stats.eventsIn()).isEqualTo(5);
        assertThat(PacketCodec.decode(sent.get(1)).size()).isEqualTo(2);
    }

    @Test
    void aQuietCameraSendsHeartbeatsWhoseWatermarkFollowsTheWallClockMinusTheLateness() throws Exception {
        Packetizer p = packetizer(1000, 100, 20_000);
        long t0 = 1_000_000_000L;
        p.accept(events(5_000), t0);
        p.flush(t0);
        assertThat(sent).hasSize(1);
        p.heartbeat(t0 + 5_000_000);
        assertThat(sent).as("before the heartbeat interval").hasSize(1);
        p.heartbeat(t0 + 15_000_000);
        assertThat(sent).as("15 ms of quiet is not yet past the 20 ms lateness").hasSize(1);
        p.heartbeat(t0 + 50_000_000);
        assertThat(sent).hasSize(2);
        EventPacket hb = sent.get(1);
        assertThat(hb.getEventCount()).isZero();
        assertThat(hb.getGeometry().getWidth()).isEqualTo(32);
        assertThat(hb.getWatermarkUs()).isEqualTo(5_000 + 50_000 - 20_000);
        p.heartbeat(t0 + 55_000_000);
        assertThat(sent).as("at most one heartbeat per interval").hasSize(2);
        p.heartbeat(t0 + 70_000_000);
        assertThat(sent.get(2).getWatermarkUs()).isEqualTo(5_000 + 70_000 - 20_000);
        assertThat(sent).extracting(EventPacket::getSequence).containsExactly(0L, 1L, 2L);
        p.accept(events(30_000), t0 + 71_000_000);
        assertThat(stats.lateEvents()).as("an event below the heartbeat's promise").isEqualTo(1);
    }

    @Test
    void aSenderFasterThanRealTimeNeverGetsAHeartbeatAheadOfItsEvents() throws Exception {
        Packetizer p = packetizer(1000, 100, 5_000);
        long wall = 1_000_000_000L;
        long t = 0;
        // 1 s of camera time every 10 ms of wall time, with a 200 ms stall in the middle
        for (int k = 0; k < 50; k++) {
            wall += k == 25 ? 200_000_000L : 10_000_000L;
            p.accept(events(t, t + 500_000, t + 999_999), wall);
            p.flush(wall);
            p.heartbeat(wall + 9_000_000);
            t += 1_000_000;
        }
        assertThat(stats.lateEvents()).isZero();
        assertThat(sent).filteredOn(e -> e.getEventCount() == 0).isEmpty();
    }

    @Test
    void anEventOutsideTheCamerasSensorRejectsTheWholeBatch() throws Exception {
        Packetizer p = packetizer(1000, 100, 0);
        EventBuffer b = new EventBuffer(new SensorGeometry(64, 64), 2);
        b.add(1, 1, true, 10);
        b.add(40, 1, true, 20);
        assertThatThrownBy(() -> p.accept(b, 0)).isInstanceOf(EventDataException.class)
                .hasMessageContaining("event at (40, 1), t=20 us, lies outside the camera's 32x32 sensor");
        p.flush(0);
        assertThat(sent).isEmpty();
        assertThat(stats.eventsIn()).isZero();
    }
}

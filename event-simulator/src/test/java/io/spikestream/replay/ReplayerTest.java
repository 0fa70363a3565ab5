package io.spikestream.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.spikestream.events.EventBatch;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.PacketCodec;
import io.spikestream.events.SensorGeometry;
import io.spikestream.proto.v1.EventPacket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class ReplayerTest {

    private static MockProducer<String, byte[]> mock() {
        return new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    }

    private static ReplayConfig config(int cameras, double speed, int perCamera) {
        return ReplayConfig.builder().cameras(cameras).speed(speed).maxEventsPerPacket(64).samplesPerCamera(perCamera)
                .seed(7).cameraPrefix("t-").build();
    }

    @Test
    void everyEventArrivesOnceInOrderWithReplayMetadata() throws Exception {
        SampleSource source = SyntheticSamples.uniform(5, 40_000, 100, 3, 1);
        MockProducer<String, byte[]> producer = mock();
        List<String> started = new ArrayList<>();
        ReplayResult r = Replayer.run(config(2, Double.POSITIVE_INFINITY, 0), source, producer, new ReplayListener() {
            @Override
            public void sampleStarted(String cameraId, SampleRef sample, long intendedNs) {
                started.add(cameraId + ":" + sample.id());
            }
        });
        Map<String, EventBuffer> current = new HashMap<>();
        Map<String, Long> seq = new HashMap<>();
        Map<String, Integer> finished = new HashMap<>();
        for (ProducerRecord<String, byte[]> rec : producer.history()) {
            EventPacket p = PacketCodec.parse(rec.value());
            assertThat(p.getCameraId()).isEqualTo(rec.key());
            assertThat(p.getSequence()).isEqualTo(seq.merge(rec.key(), 1L, Long::sum) - 1);
            assertThat(p.getEventCount()).isLessThanOrEqualTo(64);
            assertThat(p.getReplay().getIntendedSendTimeNs()).isPositive();
            if (p.getReplay().getStartOfSample()) {
                current.put(rec.key(), new EventBuffer(SensorGeometry.NMNIST));
            }
            PacketCodec.decodeInto(p, current.get(rec.key()));
            if (p.getReplay().getEndOfSample()) {
                SampleRef ref = source.samples().stream().filter(s -> s.id().equals(p.getReplay().getSampleId()))
                        .findFirst().orElseThrow();
                assertThat(p.getReplay().getLabel()).isEqualTo(ref.label());
                EventBatch got = current.remove(rec.key()).toBatch();
                assertThat(got).isEqualTo(source.load(ref));
                finished.merge(rec.key(), 1, Integer::sum);
            }
        }
        // each camera replays the whole data set once, in its own order
        assertThat(finished).containsEntry("t-00", 5).containsEntry("t-01", 5);
        assertThat(started).hasSize(10);
        assertThat(r.samples()).isEqualTo(10);
        assertThat(r.events()).isEqualTo(10 * 400);
        assertThat(r.packets()).isEqualTo(producer.history().size());
    }

    @Test
    void shuffledOrderIsSeededAndDiffersPerCamera() throws Exception {
        SampleSource source = SyntheticSamples.uniform(8, 1_000, 100, 8, 1);
        List<String> a = order(source, 11);
        assertThat(order(source, 11)).isEqualTo(a);
        assertThat(order(source, 12)).isNotEqualTo(a);
    }

    private static List<String> order(SampleSource source, long seed) throws InterruptedException {
        List<String> ids = new ArrayList<>();
        ReplayConfig c = ReplayConfig.builder().cameras(2).speed(Double.POSITIVE_INFINITY).maxEventsPerPacket(64)
                .seed(seed).cameraPrefix("o-").build();
        Replayer.run(c, source, mock(), new ReplayListener() {
            @Override
            public void sampleStarted(String cameraId, SampleRef sample, long intendedNs) {
                ids.add(cameraId + ":" + sample.id());
            }
        });
        return ids;
    }

    @Test
    void splitSamplesGivesEachSampleToOneCamera() throws Exception {
        SampleSource source = SyntheticSamples.uniform(9, 1_000, 100, 3, 1);
        List<String> ids = new ArrayList<>();
        ReplayConfig c = ReplayConfig.builder().cameras(3).speed(Double.POSITIVE_INFINITY).maxEventsPerPacket(64)
                .splitSamples(true).seed(3).cameraPrefix("s-").build();
        Replayer.run(c, source, mock(), new ReplayListener() {
            @Override
            public void sampleStarted(String cameraId, SampleRef sample, long intendedNs) {
                ids.add(sample.id());
            }
        });
        assertThat(ids).hasSize(9).doesNotHaveDuplicates();
    }

    /**
     * Pacing at real-time speed: over ~3 s the achieved event rate is within 2 % of the
     * recordings' own rate (events over their summed durations).
     */
    @Test
    void realTimePacingMatchesTheRecordingsOwnRate() throws Exception {
        // 300 ms samples with an event every 50 µs: 20,000 events/s
        SampleSource source = SyntheticSamples.uniform(10, 300_000, 50, 10, 2);
        ReplayConfig c = ReplayConfig.builder().samplesPerCamera(10).cameraPrefix("p-").build();
        ReplayResult r = Replayer.run(c, source, mock(), ReplayListener.NONE);
        double own = 10 * 6000 / (10 * (300_000 - 50 + 1) / 1e6);
        assertThat(r.events()).isEqualTo(60_000);
        assertThat(r.seconds()).isGreaterThan(2.9);
        assertThat(r.offeredEventsPerS()).isCloseTo(own, within(own * 0.001));
        assertThat(r.achievedEventsPerS() / own).isCloseTo(1.0, within(0.02));
    }

    /**
     * A sample with a 50 ms silence, at real time: every packet's watermark keeps its promise (no later event
     * of the sample is earlier), heartbeats (no events) fill the silence every 5 ms with watermarks that
     * follow the schedule, and without watermarks nothing carries one and no heartbeat is sent.
     */
    @Test
    void watermarksKeepTheirPromiseAndHeartbeatsFillASilence() throws Exception {
        int n = 200;
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = 1_000 + (i < 100 ? i * 100L : 60_000 + (i - 100) * 100L); // 10 ms of events, 50 ms quiet, 10 ms
        }
        SampleSource source = SampleSource.of(Map.of(new SampleRef("0/00000.bin", 0),
                EventBatch.of(SensorGeometry.NMNIST, n, new int[n], new int[n], new boolean[n], t)));
        ReplayConfig c = ReplayConfig.builder().samplesPerCamera(1).cameraPrefix("w-").build();
        MockProducer<String, byte[]> producer = mock();
        ReplayResult r = Replayer.run(c, source, producer, ReplayListener.NONE);
        List<EventPacket> sent = producer.history().stream().map(rec -> PacketCodec.parse(rec.value())).toList();
        long previous = Long.MIN_VALUE;
        int beats = 0;
        for (int k = 0; k < sent.size(); k++) {
            EventPacket p = sent.get(k);
            assertThat(p.hasWatermarkUs()).isTrue();
            assertThat(p.getWatermarkUs()).as("packet " + k).isGreaterThanOrEqualTo(previous);
            previous = p.getWatermarkUs();
            for (EventPacket later : sent.subList(k + 1, sent.size())) {
                if (later.getEventCount() > 0) {
                    assertThat(PacketCodec.decode(later).t(0)).as("packet " + k + "'s promise").isGreaterThanOrEqualTo(
                            p.getWatermarkUs());
                }
            }
            if (p.getEventCount() == 0) {
                beats++;
                assertThat(p.getReplay().getStartOfSample() || p.getReplay().getEndOfSample()).isFalse();
                assertThat(p.getReplay().getSampleId()).isEqualTo("0/00000.bin");
                // a heartbeat's watermark is the schedule's event time at its intended send
                long sinceStart = p.getReplay().getIntendedSendTimeNs() - sent.get(0).getReplay().getIntendedSendTimeNs();
                assertThat(p.getWatermarkUs() - 1_000).isBetween(sinceStart / 1000 + 5_000 - 1, sinceStart / 1000 + 5_000);
            }
        }
        // silent between the packet due at 10 ms (its window's end) and the one due at 65 ms: heartbeats at 15, 20,
        // ... 60 ms
        assertThat(beats).isEqualTo(10);
        assertThat(r.heartbeats()).isEqualTo(10);
        assertThat(r.packets()).isEqualTo(sent.size() - 10);
        assertThat(sent.get(sent.size() - 1).getWatermarkUs()).as("the end of the sample").isEqualTo(t[n - 1] + 1);

        MockProducer<String, byte[]> plain = mock();
        Replayer.run(c.toBuilder().watermarks(false).build(), source, plain, ReplayListener.NONE);
        assertThat(plain.history()).allSatisfy(rec -> assertThat(PacketCodec.parse(rec.value()).hasWatermarkUs()).isFalse())
                .hasSize(sent.size() - 10);
    }

    @Test
    void speedTwoHalvesTheWallTime() throws Exception {
        SampleSource source = SyntheticSamples.uniform(4, 200_000, 100, 2, 2);
        ReplayConfig c = ReplayConfig.builder().speed(2.0).samplesPerCamera(4).cameraPrefix("x-").build();
        ReplayResult r = Replayer.run(c, source, mock(), ReplayListener.NONE);
        // the schedule offers twice the recordings' rate (8000 events in 4 × 0.2 s / 2); the wall time
        // taken is that plus how late the last packet went out on a busy machine
        assertThat(r.offeredEventsPerS()).isCloseTo(2 * 8000 / 0.8, within(10.0));
        assertThat(r.seconds()).isBetween(0.39, 0.55);
    }

    /**
     * Open loop: a send that blocks for 300 ms makes the following packets late, but they keep
     * their scheduled intended send times (a closed-loop sender would have re-based them).
     */
    @Test
    void aStalledSendDoesNotShiftTheSchedule() throws Exception {
        SampleSource source = SyntheticSamples.uniform(2, 400_000, 100, 2, 3);
        MockProducer<String, byte[]> stalling = new MockProducer<>(true, null, new StringSerializer(),
                new ByteArraySerializer()) {
            int sends;

            @Override
            public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback cb) {
                if (++sends == 20) {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.send(record, cb);
            }
        };
        ReplayConfig c = ReplayConfig.builder().samplesPerCamera(2).cameraPrefix("st-").build();
        ReplayResult r = Replayer.run(c, source, stalling, ReplayListener.NONE);
        List<Long> intended = new ArrayList<>();
        for (ProducerRecord<String, byte[]> rec : stalling.history()) {
            intended.add(PacketCodec.parse(rec.value()).getReplay().getIntendedSendTimeNs());
        }
        // packets stay 5 ms apart on the schedule, straight through the stall
        for (int i = 1; i < intended.size(); i++) {
            long gap = intended.get(i) - intended.get(i - 1);
            assertThat(gap).isBetween(0L, 5_000_001L);
        }
        assertThat(intended.get(intended.size() - 1) - intended.get(0)).isCloseTo(800_000_000L - 5_000_000L,
                within(2_000_000L));
        assertThat(r.behindMaxMs()).isGreaterThan(280);
        // and it caught up: the last packet (500 ms after the stall) was sent near its time; the margin
        // allows for a busy shared machine, the point is that it is far below the 300 ms stall
        assertThat(r.behindLastMs()).isLessThan(150);
    }

    @Test
    void durationStopsStartingNewSamples() throws Exception {
        SampleSource source = SyntheticSamples.uniform(50, 100_000, 100, 5, 4);
        ReplayConfig c = ReplayConfig.builder().loop(true).duration(Duration.ofMillis(450)).cameraPrefix("d-").build();
        ReplayResult r = Replayer.run(c, source, mock(), ReplayListener.NONE);
        assertThat(r.samples()).isEqualTo(5);
    }

    /** Ctrl-C: the replay stops before the next packet and still flushes what the producer holds. */
    @Test
    void aStopRequestEndsTheReplayAndFlushesWhatWasSent() throws Exception {
        SampleSource source = SyntheticSamples.uniform(20, 40_000, 100, 4, 5);
        // sends stay pending until flushed, as in a real producer's batch buffer
        MockProducer<String, byte[]> pending = new MockProducer<>(false, null, new StringSerializer(),
                new ByteArraySerializer());
        ReplayConfig c = ReplayConfig.builder().speed(Double.POSITIVE_INFINITY).maxEventsPerPacket(64)
                .cameraPrefix("c-").build();
        int[] polls = {0};
        ReplayResult r = Replayer.run(c, source, pending, new ReplayListener() {
            @Override
            public boolean stopRequested() {
                return ++polls[0] > 10;
            }
        });
        assertThat(r.stopped()).isTrue();
        assertThat(r.packets()).isEqualTo(10);
        assertThat(pending.history()).hasSize(10);
        assertThat(pending.flushed()).isTrue();
        assertThat(r.toJson()).containsEntry("stopped_early", true);

        ReplayResult whole = Replayer.run(c, source, mock(), ReplayListener.NONE);
        assertThat(whole.stopped()).isFalse();
        assertThat(whole.packets()).isGreaterThan(10);
    }

    /** A stop request ends a long wait for the next packet's time at once (slow speed, long gaps). */
    @Test
    void aStopRequestWakesTheReplayFromAWaitForTheNextPacket() throws Exception {
        SampleSource source = SyntheticSamples.uniform(2, 400_000, 100, 2, 6);
        // 1/1000 of real time: 5 ms packets are 5 s apart on the schedule
        ReplayConfig c = ReplayConfig.builder().speed(0.001).cameraPrefix("w-").build();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stop.set(true);
        });
        MockProducer<String, byte[]> producer = mock();
        long t0 = System.nanoTime();
        stopper.start();
        ReplayResult r = Replayer.run(c, source, producer, new ReplayListener() {
            @Override
            public boolean stopRequested() {
                return stop.get();
            }
        });
        double seconds = (System.nanoTime() - t0) / 1e9;
        stopper.join();
        assertThat(r.stopped()).isTrue();
        assertThat(seconds).isLessThan(3.0);  // not the 5 s wait for a packet's time
        assertThat(r.packets()).isEqualTo(producer.history().size()).isLessThanOrEqualTo(1);
    }
}

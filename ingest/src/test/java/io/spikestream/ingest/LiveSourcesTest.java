package io.spikestream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spikestream.events.EventBatch;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import io.spikestream.events.io.Aedat2Writer;
import io.spikestream.events.io.Aedat4Writer;
import io.spikestream.events.io.Recordings;
import io.spikestream.events.testing.SharedData;
import io.spikestream.ingest.camera.CameraTimeline;
import io.spikestream.ingest.camera.DvTcpCamera;
import io.spikestream.ingest.camera.Recording;
import io.spikestream.proto.v1.EventPacket;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each kind of source, fed by an in-process sender that speaks its wire format (the project's own
 * writers, and test senders written from AEStream's and jAER's sources), delivers every event bit-exact
 * through ingest and a real broker, in order, numbered without gaps, with watermarks that hold.
 */
class LiveSourcesTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void dvTcpStreamsArriveBitExact() throws Exception {
        String topic = Kafka.topic("dv", 1);
        // DV stamps events in µs since the Unix epoch
        EventBatch events = Senders.random(new SensorGeometry(346, 260), 200_000, 1_700_000_000_000_000L, 20, 1);
        CameraTimeline timeline = new CameraTimeline(List.of(new Recording("r", -1, events)), events.t(0), 0, false);
        try (DvTcpCamera cam = DvTcpCamera.start("127.0.0.1", 0, timeline, new DvTcpCamera.Options(
                Double.POSITIVE_INFINITY, 1000, Aedat4Writer.Compression.LZ4, "DAVIS346_test"), s -> { });
             KafkaProducer<String, byte[]> producer = Kafka.producer(Map.of())) {
            Ingest in = Ingest.start(Runs.config(topic, "dv-tcp://127.0.0.1:" + cam.port() + "?camera=dv").build(), producer,
                    IngestListener.NONE, new SimpleMeterRegistry());
            try {
                assertThat(cam.awaitDone(60, TimeUnit.SECONDS)).isTrue();
                Runs.await(in, () -> Runs.source(in, "dv").eventsOut() == events.size(), WAIT, "every event acknowledged");
            } finally {
                in.stop();
            }
            SourceStats s = Runs.source(in, "dv");
            assertThat(s.eventsIn()).isEqualTo(events.size());
            assertThat(s.droppedEvents() + s.lateEvents() + s.failedEvents()).isZero();
        }
        Runs.assertDelivered(Kafka.packets(topic, events.size(), WAIT).get("dv"), events);
    }

    @Test
    void aQuietCameraSendsHeartbeatsWhoseWatermarksHold() throws Exception {
        String topic = Kafka.topic("quiet", 1);
        EventBatch a = Senders.random(new SensorGeometry(64, 64), 2_000, 0, 100, 6);
        EventBatch b = Senders.random(new SensorGeometry(64, 64), 2_000, 0, 100, 7);
        long gapUs = 1_000_000;
        CameraTimeline timeline = new CameraTimeline(List.of(new Recording("a", -1, a), new Recording("b", -1, b)),
                1_000_000, gapUs, false);
        List<CameraTimeline.Shown> shown = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (DvTcpCamera cam = DvTcpCamera.start("127.0.0.1", 0, timeline, new DvTcpCamera.Options(
                1.0, 1000, Aedat4Writer.Compression.NONE, "quiet"), shown::add);
             KafkaProducer<String, byte[]> producer = Kafka.producer(Map.of())) {
            // real time: heartbeats every 10 ms, 300 ms behind the clock estimated from the arrivals
            Ingest in = Ingest.start(Runs.config(topic, cam.uri() + "?camera=quiet").heartbeat(Duration.ofMillis(10))
                    .latenessUs(300_000).build(), producer, IngestListener.NONE, new SimpleMeterRegistry());
            try {
                assertThat(cam.awaitDone(60, TimeUnit.SECONDS)).isTrue();
                Runs.await(in, () -> Runs.source(in, "quiet").eventsOut() == a.size() + b.size(), WAIT, "every event acknowledged");
            } finally {
                in.stop();
            }
            assertThat(Runs.source(in, "quiet").lateEvents()).isZero();
        }
        List<EventPacket> packets = Kafka.packets(topic, a.size() + b.size(), WAIT).get("quiet");
        EventBuffer both = new EventBuffer(a.geometry(), 4000);
        long endA = shown.get(0).endUs();
        long startB = shown.get(1).startUs();
        List<EventPacket> inGap = packets.stream().filter(p -> p.getEventCount() == 0
                && p.getWatermarkUs() > endA && p.getWatermarkUs() < startB).toList();
        assertThat(inGap).as("heartbeats during the quiet second move the watermark into it").hasSizeGreaterThan(10);
        assertThat(inGap.get(inGap.size() - 1).getWatermarkUs()).isGreaterThan(endA + gapUs / 2);
        // the camera shows each recording from its start time on
        for (int i = 0; i < a.size(); i++) {
            both.add(a.x(i), a.y(i), a.on(i), a.t(i) - a.t(0) + shown.get(0).startUs());
        }
        for (int i = 0; i < b.size(); i++) {
            both.add(b.x(i), b.y(i), b.on(i), b.t(i) - b.t(0) + startB);
        }
        Runs.assertDelivered(packets, both.toBatch());
    }

    @Test
    void aestreamAndJaerDatagramsArriveBitExactAndJaerLossesAreCounted() throws Exception {
        String topic = Kafka.topic("udp", 2);
        int aePort = Kafka.freeUdpPort();
        int jaerPort = Kafka.freeUdpPort();
        // 32-bit µs clocks that wrap during the stream
        long t0 = (1L << 32) - 300_000;
        EventBatch ae = Senders.random(new SensorGeometry(640, 480), 50_000, t0, 12, 2);
        EventBatch jaer = Senders.random(SensorGeometry.DVS128, 30_000, t0, 20, 3);
        try (KafkaProducer<String, byte[]> producer = Kafka.producer(Map.of())) {
            Ingest in = Ingest.start(Runs.config(topic,
                    "udp://127.0.0.1:" + aePort + "?format=aestream&geometry=640x480&camera=ae",
                    "udp://127.0.0.1:" + jaerPort + "?format=jaer&camera=jaer").build(), producer,
                    IngestListener.NONE, new SimpleMeterRegistry());
            EventBatch jaerSent;
            try {
                Runs.await(in, () -> in.sources().stream().allMatch(s -> s.state() == SourceStats.State.RUNNING), WAIT, "listening");
                Senders.aestream(ae, aePort, true);
                Senders.jaer(jaer, jaerPort, 100, 7);
                // datagram 7 holds events 600..699
                EventBuffer kept = new EventBuffer(jaer.geometry(), jaer.size());
                jaer.slice(0, 600).copyTo(kept);
                jaer.slice(700, jaer.size()).copyTo(kept);
                jaerSent = kept.toBatch();
                Runs.await(in, () -> Runs.source(in, "ae").eventsOut() == ae.size()
                        && Runs.source(in, "jaer").eventsOut() == jaerSent.size(), WAIT, "every event acknowledged");
            } finally {
                in.stop();
            }
            assertThat(Runs.source(in, "jaer").sequenceGaps()).isEqualTo(1);
            assertThat(Runs.source(in, "ae").malformed() + Runs.source(in, "jaer").malformed()).isZero();
            Map<String, List<EventPacket>> got = Kafka.packets(topic, ae.size() + jaerSent.size(), WAIT);
            Runs.assertDelivered(got.get("ae"), ae);
            Runs.assertDelivered(got.get("jaer"), jaerSent);
        }
    }

    @Test
    void aPipeAndAGrowingFileArriveBitExact(@TempDir Path tmp) throws Exception {
        String topic = Kafka.topic("streams", 2);
        EventBatch piped = Senders.random(new SensorGeometry(640, 480), 100_000, 1_000, 30, 4);
        EventBatch grown = Senders.random(SensorGeometry.DVS128, 60_000, 5_000, 40, 5);
        Path whole = tmp.resolve("whole.aedat");
        Aedat2Writer.write(whole, grown);
        byte[] bytes = Files.readAllBytes(whole);
        Path growing = tmp.resolve("growing.aedat");
        Files.write(growing, new byte[0]);
        PipedInputStream stdin = new PipedInputStream(1 << 16);
        PipedOutputStream camera = new PipedOutputStream(stdin);
        try (KafkaProducer<String, byte[]> producer = Kafka.producer(Map.of())) {
            Ingest in = Ingest.start(Runs.config(topic, "-?format=aedat4&camera=pipe",
                    "file:" + growing + "?format=aedat2&follow=true&camera=file").build(), producer,
                    IngestListener.NONE, new SimpleMeterRegistry(), stdin);
            try {
                Thread writer = new Thread(() -> {
                    try (Aedat4Writer w = Aedat4Writer.open(camera, Aedat4Writer.Target.FILE, piped.geometry(),
                            Aedat4Writer.Compression.ZSTD, "pipe")) {
                        for (int i = 0; i < piped.size(); i += 3000) {
                            w.writeEvents(piped, i, Math.min(piped.size(), i + 3000));
                        }
                    }
                    try {
                        camera.close();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                writer.start();
                // the file grows in odd-sized pieces, as a recorder writes it
                try (OutputStream os = Files.newOutputStream(growing, StandardOpenOption.APPEND)) {
                    for (int i = 0; i < bytes.length; i += 7777) {
                        os.write(bytes, i, Math.min(bytes.length - i, 7777));
                        os.flush();
                        Thread.sleep(2);
                    }
                }
                writer.join();
                Runs.await(in, () -> Runs.source(in, "pipe").state() == SourceStats.State.ENDED, WAIT, "the pipe to end");
                Runs.await(in, () -> Runs.source(in, "pipe").eventsOut() == piped.size()
                        && Runs.source(in, "file").eventsOut() == grown.size(), WAIT, "every event acknowledged");
                assertThat(Runs.source(in, "file").state()).as("a followed file waits for more").isEqualTo(SourceStats.State.RUNNING);
            } finally {
                in.stop();
            }
            Map<String, List<EventPacket>> got = Kafka.packets(topic, piped.size() + grown.size(), WAIT);
            Runs.assertDelivered(got.get("pipe"), piped);
            Runs.assertDelivered(got.get("file"), grown);
        }
    }

    @Test
    void realRawRecordingsArriveAsTheFileReaderDecodesThem() throws Exception {
        Path evt2 = SharedData.require("fixtures/prophesee/evt2_sample.raw");
        Path evt3 = SharedData.require("fixtures/prophesee/evt3_sample.raw");
        String topic = Kafka.topic("raw", 2);
        EventBatch e2 = Recordings.readAll(evt2);
        EventBatch e3 = Recordings.readAll(evt3);
        try (KafkaProducer<String, byte[]> producer = Kafka.producer(Map.of())) {
            Ingest in = Ingest.start(Runs.config(topic, "file:" + evt2 + "?format=evt2&camera=evt2",
                    "file:" + evt3 + "?camera=evt3").build(), producer, IngestListener.NONE, new SimpleMeterRegistry());
            try {
                assertThat(in.awaitSourcesDone(WAIT)).isTrue();
                Runs.await(in, () -> Runs.source(in, "evt2").eventsOut() == e2.size() && Runs.source(in, "evt3").eventsOut() == e3.size(),
                        WAIT, "every event acknowledged");
            } finally {
                in.stop();
            }
            assertThat(in.sources()).extracting(SourceStats::state).containsOnly(SourceStats.State.ENDED);
        }
        Map<String, List<EventPacket>> got = Kafka.packets(topic, e2.size() + e3.size(), WAIT);
        Runs.assertDelivered(got.get("evt2"), e2);
        Runs.assertDelivered(got.get("evt3"), e3);
    }
}

package io.spikestream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spikestream.events.EventBatch;
import io.spikestream.events.SensorGeometry;
import io.spikestream.events.io.Aedat4Writer;
import io.spikestream.ingest.camera.CameraTimeline;
import io.spikestream.ingest.camera.DvTcpCamera;
import io.spikestream.ingest.camera.Recording;
import io.spikestream.proto.v1.EventPacket;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.junit.jupiter.api.Test;

/** Disconnections lose nothing, malformed input is named and contained, a slow broker's overflow is counted. */
class FaultsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** Collects what the ingest reports. */
    static final class Errors implements IngestListener {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void error(SourceConfig source, String text) {
            lines.add(text);
        }
    }

    @Test
    void aTcpCameraThatDisconnectsTwiceLosesNothing() throws Exception {
        String topic = Kafka.topic("reconnect", 1);
        EventBatch events = Senders.random(new SensorGeometry(128, 128), 30_000, 1_000_000, 30, 11);
        // connection 1 closes cleanly after packet 20; connection 2 closes half-way through packet 45,
        // which connection 3 sends again whole
        try (ScriptedDvServer server = new ScriptedDvServer(events, 500, new int[] {20, 45}, true, null, true);
             KafkaProducer<String, byte[]> producer = Kafka.producer(Map.of())) {
            Ingest in = Ingest.start(Runs.config(topic, "dv-tcp://127.0.0.1:" + server.port() + "?camera=flaky").build(),
                    producer, IngestListener.NONE, new SimpleMeterRegistry());
            try {
                Runs.await(in, () -> Runs.source(in, "flaky").eventsOut() == events.size(), WAIT, "every event acknowledged");
            } finally {
                in.stop();
            }
            SourceStats s = Runs.source(in, "flaky");
            assertThat(s.reconnects()).isEqualTo(2);
            assertThat(s.malformed()).as("a packet cut by a disconnection is not malformed data").isZero();
            assertThat(s.eventsIn()).isEqualTo(events.size());
        }
        Runs.assertDelivered(Kafka.packets(topic, events.size(), WAIT).get("flaky"), events);
    }

    @Test
    void malformedStreamsAreNamedWithTheirByteOffsetAndTheOtherSourcesGoOn() throws Exception {
        String topic = Kafka.topic("malformed", 3);
        EventBatch good = Senders.random(new SensorGeometry(64, 64), 20_000, 0, 40, 12);
        EventBatch bad = Senders.random(new SensorGeometry(64, 64), 2_000, 0, 40, 13);
        // after 2 good packets, a packet header naming stream 9, which the IOHeader does not declare
        byte[] undeclared = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(9).putInt(16).array();
        // a camera tool's pipe: EVT 2.0 header, 100 CD events, then 2 bytes of a cut word
        ByteArrayOutputStream pipe = new ByteArrayOutputStream();
        pipe.write("% evt 2.0\n% geometry 64x64\n% end\n".getBytes(StandardCharsets.US_ASCII));
        int headerBytes = pipe.size();
        ByteBuffer words = ByteBuffer.allocate(4 * 101 + 2).order(ByteOrder.LITTLE_ENDIAN).putInt(0x80000001);
        for (int i = 0; i < 100; i++) {
            words.putInt((1 << 28) | (i % 64 << 22) | (i % 64 << 11) | (i % 64));
        }
        words.putShort((short) 7);
        pipe.write(words.array());
        Errors errors = new Errors();
        CameraTimeline timeline = new CameraTimeline(List.of(new Recording("good", -1, good)), good.t(0), 0, false);
        try (ScriptedDvServer broken = new ScriptedDvServer(bad, 1000, new int[0], false, undeclared, true);
             DvTcpCamera camera = DvTcpCamera.start("127.0.0.1", 0, timeline,
                     new DvTcpCamera.Options(Double.POSITIVE_INFINITY, 1000, Aedat4Writer.Compression.NONE, "good"), s -> { });
             KafkaProducer<String, byte[]> producer = Kafka.producer(Map.of())) {
            Ingest in = Ingest.start(Runs.config(topic, "dv-tcp://127.0.0.1:" + broken.port() + "?camera=broken",
                    "-?format=evt2&camera=pipe", camera.uri() + "?camera=good").build(), producer, errors,
                    new SimpleMeterRegistry(), new ByteArrayInputStream(pipe.toByteArray()));
            try {
                assertThat(camera.awaitDone(60, TimeUnit.SECONDS)).isTrue();
                Runs.await(in, () -> Runs.source(in, "good").eventsOut() == good.size() && Runs.source(in, "pipe").eventsOut() == 100
                        && Runs.source(in, "broken").malformed() > 0, WAIT, "the good events and the errors");
            } finally {
                in.stop();
            }
            assertThat(errors.lines).anySatisfy(l -> assertThat(l).startsWith("dv-tcp://127.0.0.1:" + broken.port()
                    + " (connection 1) at byte " + broken.offsetAfter(2) + ": packet of stream 9, which the header does not declare"));
            assertThat(errors.lines).anySatisfy(l -> assertThat(l)
                    .isEqualTo("- at byte " + (headerBytes + 4 * 101) + ": stream ends inside a 4-byte EVT 2.0 word"));
            assertThat(Runs.source(in, "pipe").state()).isEqualTo(SourceStats.State.FAILED);
            assertThat(Runs.source(in, "pipe").clampedEvents()).as("t_low wraps at event 64 without a TIME_HIGH").isEqualTo(36);
            assertThat(Runs.source(in, "broken").eventsOut()).as("the packets before the bad one").isEqualTo(2000);
            assertThat(Runs.source(in, "good").errors()).isZero();
        }
        Map<String, List<EventPacket>> got = Kafka.packets(topic, good.size() + 2100, WAIT);
        Runs.assertDelivered(got.get("good"), good);
        assertThat(Kafka.events(got.get("pipe")).size()).isEqualTo(100);
    }

    @Test
    void underASlowBrokerDropOldestCountsEveryDropAndBlockLosesNothing() throws Exception {
        String topic = Kafka.topic("slow", 2);
        Admin admin = Kafka.broker().admin();
        ClientQuotaEntity slow = new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, "slow-ingest"));
        admin.alterClientQuotas(List.of(new ClientQuotaAlteration(slow,
                List.of(new ClientQuotaAlteration.Op("producer_byte_rate", 100_000.0))))).all().get();
        int port = Kafka.freeUdpPort();
        EventBatch udp = Senders.random(new SensorGeometry(640, 480), 150_000, 1_000, 12, 14);
        EventBatch tcp = Senders.random(new SensorGeometry(128, 128), 100_000, 1_000, 12, 15);
        CameraTimeline timeline = new CameraTimeline(List.of(new Recording("tcp", -1, tcp)), tcp.t(0), 0, false);
        try (DvTcpCamera camera = DvTcpCamera.start("127.0.0.1", 0, timeline,
                new DvTcpCamera.Options(Double.POSITIVE_INFINITY, 1000, Aedat4Writer.Compression.NONE, "tcp"), s -> { });
             KafkaProducer<String, byte[]> producer = Kafka.producer(Map.of(ProducerConfig.CLIENT_ID_CONFIG, "slow-ingest",
                     ProducerConfig.BUFFER_MEMORY_CONFIG, 256 * 1024, ProducerConfig.BATCH_SIZE_CONFIG, 16 * 1024))) {
            Ingest in = Ingest.start(Runs.config(topic, "udp://127.0.0.1:" + port + "?format=aestream&geometry=640x480&camera=udp",
                    camera.uri() + "?camera=tcp").queuePackets(8).build(), producer, IngestListener.NONE, new SimpleMeterRegistry());
            try {
                Runs.await(in, () -> Runs.source(in, "udp").state() == SourceStats.State.RUNNING, WAIT, "listening");
                Senders.aestream(udp, port, true);
                Runs.await(in, () -> Runs.source(in, "udp").eventsIn() == udp.size(), WAIT, "every datagram read");
                assertThat(Runs.source(in, "udp").droppedEvents()).as("the queue overflowed").isPositive();
                assertThat(Runs.source(in, "tcp").droppedEvents()).isZero();
                // the broker is fast again: what was kept gets through
                admin.alterClientQuotas(List.of(new ClientQuotaAlteration(slow,
                        List.of(new ClientQuotaAlteration.Op("producer_byte_rate", null))))).all().get();
                Runs.await(in, () -> Runs.source(in, "tcp").eventsOut() == tcp.size(), WAIT, "the blocking camera's events");
            } finally {
                in.stop();
            }
            SourceStats u = Runs.source(in, "udp");
            assertThat(u.eventsIn()).isEqualTo(u.eventsOut() + u.droppedEvents() + u.lateEvents() + u.failedEvents());
            assertThat(u.failedEvents() + u.lateEvents()).isZero();
            Map<String, List<EventPacket>> got = Kafka.packets(topic, tcp.size() + u.eventsOut(), WAIT);
            Runs.assertDelivered(got.get("tcp"), tcp);
            List<EventPacket> kept = got.get("udp");
            long last = kept.get(kept.size() - 1).getSequence();
            assertThat(last + 1 - kept.size()).as("the sequence numbers show every dropped packet").isEqualTo(u.droppedPackets());
            assertThat(kept.stream().mapToLong(EventPacket::getEventCount).sum()).isEqualTo(u.eventsOut());
        }
    }
}

package io.spikestream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spikestream.events.EventBatch;
import io.spikestream.events.PacketCodec;
import io.spikestream.events.SensorGeometry;
import io.spikestream.proto.v1.Classification;
import io.spikestream.proto.v1.EventPacket;
import io.spikestream.proto.v1.ExitReason;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.exit.ExitDecision;
import io.spikestream.stream.metrics.StreamMetrics;
import io.spikestream.stream.testing.OfflineReference;
import io.spikestream.stream.testing.Samples;
import io.spikestream.stream.testing.TestModels;
import io.spikestream.topics.DecisionKey;
import io.spikestream.topics.ClassificationMapper;
import io.spikestream.topics.DeadLetterHeaders;
import io.spikestream.topics.Topic;
import io.spikestream.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClassifierTopologyTest {
    private final BnntModel model = TestModels.tiny();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> in;
    private TestOutputTopic<DecisionKey, Classification> out;
    private TestOutputTopic<String, byte[]> dlq;
    private AppConfig config;

    private void start(AppConfig.ExitOverrides exit) {
        config = AppConfig.defaults("unused:9092").withExit(exit).withIdleGrace(Duration.ofMillis(200));
        java.util.Properties p = config.streamsProperties();
        p.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/ttd-" + System.nanoTime());
        driver = new TopologyTestDriver(ClassifierTopology.buildTopology(config, model, new StreamMetrics(registry)), p,
                Instant.ofEpochMilli(1_000_000));
        Topics topics = config.topics();
        in = driver.createInputTopic(topics.events().name(), topics.events().keySerializer(),
                topics.events().valueSerializer());
        Topic<DecisionKey, Classification> cls = topics.classifications();
        out = driver.createOutputTopic(cls.name(), cls.keyDeserializer(), cls.valueDeserializer());
        dlq = driver.createOutputTopic(topics.deadLetters().name(), topics.deadLetters().keyDeserializer(),
                topics.deadLetters().valueDeserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private void send(List<EventPacket> packets) {
        for (EventPacket p : packets) {
            in.pipeInput(p.getCameraId(), p.toByteArray());
        }
    }

    private List<Classification> classifications() {
        List<Classification> cs = new ArrayList<>();
        for (TestRecord<DecisionKey, Classification> r : out.readRecordsToList()) {
            assertThat(r.key()).isEqualTo(new DecisionKey(r.value().getCameraId(), r.value().getEpisode()));
            cs.add(r.value());
        }
        return cs;
    }

    private OfflineReference.Expected offline(EventBatch sample) {
        return OfflineReference.decide(model, ClassifierTopology.engine(config, model),
                ClassifierTopology.exitPolicy(config, model), sample);
    }

    private static void assertSame(Classification c, OfflineReference.Expected d) {
        assertThat(c.getStepsUsed()).isEqualTo(d.steps());
        assertThat(ClassificationMapper.fromProto(c).exit()).isEqualTo(d.reason());
        assertThat(c.getPredictedClass()).isEqualTo(d.predicted());
        float[] scores = new float[c.getScoresCount()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = c.getScores(i);
        }
        assertThat(scores).containsExactly(d.scores());
    }

    @Test
    void earlyExitEmitsAtTheFirstConfidentStepAndIgnoresTheRestOfTheSample() {
        start(new AppConfig.ExitOverrides(0.01f, null, null, false));
        EventBatch s0 = Samples.random(TestModels.SENSOR, 200, 5_000, 4_000, 1);
        EventBatch s1 = Samples.random(TestModels.SENSOR, 200, 100, 4_000, 2);
        send(Samples.packets("cam", 0, "s0", 2, s0, 20, 7_000));
        send(Samples.packets("cam", 10, "s1", 3, s1, 20, 9_000));
        List<Classification> cs = classifications();
        assertThat(cs).hasSize(2);
        Classification c = cs.get(0);
        assertThat(c.getExitReason()).isEqualTo(ExitReason.EXIT_REASON_CONFIDENCE);
        assertThat(c.getStepsUsed()).isEqualTo(1);
        assertThat(c.getMaxSteps()).isEqualTo(TestModels.T);
        assertThat(c.getSampleId()).isEqualTo("s0");
        assertThat(c.getEpisode()).isZero();
        assertThat(c.getLabel()).isEqualTo(2);
        assertThat(c.getModelId()).isEqualTo(model.modelId());
        assertThat(c.getScoresCount()).isEqualTo(4);
        assertThat(c.getPredictedLabel()).isEqualTo(model.spec().classNames().get(c.getPredictedClass()));
        assertThat(c.getConfidence()).isGreaterThanOrEqualTo(0.25f);
        assertThat(c.getEmittedAtNs()).isPositive();
        // frame 0 is [t0, t0 + 1 ms): closed by the first event at or past its end
        long t0 = s0.t(0);
        int firstAfter = 0;
        while (s0.t(firstAfter) < t0 + TestModels.WINDOW_US) {
            firstAfter++;
        }
        assertThat(c.getEpisodeStartUs()).isEqualTo(t0);
        assertThat(c.getDecisionEventTimeUs()).isEqualTo(t0 + TestModels.WINDOW_US);
        assertThat(c.getEventsUsed()).isEqualTo(firstAfter);
        assertThat(c.getDecidingPacketIntendedSendNs()).isEqualTo(7_000 + firstAfter / 20);
        assertSame(c, offline(s0));
        assertThat(cs.get(1).getSampleId()).isEqualTo("s1");
        assertThat(cs.get(1).getEpisode()).isEqualTo(1);
        assertSame(cs.get(1), offline(s1));
        assertThat(registry.get("spikestream.events.ignored").counter().count()).isPositive();
    }

    @Test
    void minStepsOverrideHoldsBackTheConfidenceExit() {
        float[] sure = new float[model.spec().numClasses()];
        sure[0] = 50f;
        AppConfig base = AppConfig.defaults("unused:9092");
        io.spikestream.snn.exit.ExitPolicy early = ClassifierTopology.exitPolicy(
                base.withExit(new AppConfig.ExitOverrides(0.5f, null, null, false)), model);
        assertThat(early.check(sure, 1)).isEqualTo(ExitDecision.CONFIDENCE);
        io.spikestream.snn.exit.ExitPolicy late = ClassifierTopology.exitPolicy(
                base.withExit(new AppConfig.ExitOverrides(0.5f, null, null, false, 2)), model);
        assertThat(late.check(sure, 1)).isEqualTo(ExitDecision.CONTINUE);
        assertThat(late.check(sure, 2)).isEqualTo(ExitDecision.CONFIDENCE);
        int t = model.spec().timesteps();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClassifierTopology.exitPolicy(
                base.withExit(new AppConfig.ExitOverrides(0.5f, null, null, false, t + 1)), model))
                .hasMessageContaining("min steps " + (t + 1) + " exceeds the model's T=" + t);
    }

    @Test
    void aSampleDecidedInsideItsLastPacketGetsExactlyOneClassification() {
        start(new AppConfig.ExitOverrides(0.01f, null, null, false));
        EventBatch s0 = Samples.random(TestModels.SENSOR, 300, 0, 5_000, 41);
        EventBatch s1 = Samples.random(TestModels.SENSOR, 300, 0, 5_000, 42);
        send(Samples.packets("cam", 0, "one-packet", 1, s0, 1000, 0)); // start and end in one packet
        send(Samples.packets("cam", 1, "next", 2, s1, 1000, 0));
        List<Classification> cs = classifications();
        assertThat(cs).extracting(Classification::getSampleId).containsExactly("one-packet", "next");
        assertThat(cs).extracting(Classification::getEpisode).containsExactly(0L, 1L);
        assertSame(cs.get(0), offline(s0));
        assertSame(cs.get(1), offline(s1));
    }

    @Test
    void withoutEarlyExitALongSampleRunsTSteps() {
        start(new AppConfig.ExitOverrides(null, null, null, true));
        EventBatch s = Samples.random(TestModels.SENSOR, 600, 0, 12_000, 3);
        send(Samples.packets("cam", 0, "long", 1, s, 50, 0));
        List<Classification> cs = classifications();
        assertThat(cs).hasSize(1);
        assertThat(cs.get(0).getExitReason()).isEqualTo(ExitReason.EXIT_REASON_MAX_STEPS);
        assertThat(cs.get(0).getStepsUsed()).isEqualTo(TestModels.T);
        assertSame(cs.get(0), offline(s));
    }

    @Test
    void samplesShorterThanTEndAtTheirBoundaryAndEqualTheOfflineResult() {
        start(new AppConfig.ExitOverrides(null, null, null, true));
        List<EventBatch> samples = new ArrayList<>();
        long seq = 0;
        for (int i = 0; i < 5; i++) {
            EventBatch s = Samples.random(TestModels.SENSOR, 50 + 30 * i, 0, 1_500 + 700 * i, 10 + i);
            samples.add(s);
            List<EventPacket> ps = Samples.packets("cam", seq, "short-" + i, i % 4, s, 17, 0);
            seq += ps.size();
            send(ps);
        }
        List<Classification> cs = classifications();
        assertThat(cs).hasSize(5);
        for (int i = 0; i < 5; i++) {
            assertThat(cs.get(i).getSampleId()).isEqualTo("short-" + i);
            assertThat(cs.get(i).getEpisode()).isEqualTo(i);
            assertThat(cs.get(i).getLabel()).isEqualTo(i % 4);
            assertThat(cs.get(i).getEventsUsed()).isEqualTo(samples.get(i).size());
            assertSame(cs.get(i), offline(samples.get(i)));
        }
        assertThat(cs.get(0).getExitReason()).isEqualTo(ExitReason.EXIT_REASON_END_OF_SAMPLE);
    }

    @Test
    void anIdleCameraClosesItsPartialFrameAfterTheGracePeriod() {
        start(new AppConfig.ExitOverrides(0.01f, null, null, false));
        EventBatch s = Samples.random(TestModels.SENSOR, 30, 10_000, 600, 4); // all inside frame 0
        send(Samples.livePackets("live", s, 10));
        assertThat(out.isEmpty()).isTrue();
        driver.advanceWallClockTime(Duration.ofMillis(100));
        assertThat(out.isEmpty()).as("not idle long enough").isTrue();
        driver.advanceWallClockTime(Duration.ofMillis(250));
        List<Classification> cs = classifications();
        assertThat(cs).hasSize(1);
        Classification c = cs.get(0);
        assertThat(c.getStepsUsed()).isEqualTo(1);
        assertThat(c.getEventsUsed()).isEqualTo(30);
        assertThat(c.getSampleId()).isEmpty();
        assertThat(c.hasLabel()).isFalse();
        assertThat(c.getDecisionEventTimeUs()).isEqualTo(s.t(29) + 1);
        assertSame(c, offline(s));
        assertThat(registry.get("spikestream.frames").tag("cause", "idle").counter().count()).isEqualTo(1);
        // the next live event starts a new episode; a live camera's episodes follow back to back
        send(Samples.livePackets("live", Samples.random(TestModels.SENSOR, 30, 50_000, 3_000, 5), 30));
        List<Classification> next = classifications();
        assertThat(next).isNotEmpty();
        assertThat(next.get(0).getEpisode()).isEqualTo(1);
        assertThat(next.get(0).getEpisodeStartUs()).isGreaterThanOrEqualTo(50_000);
    }

    @Test
    void aWatermarkClosesTheDecidingFrameBeforeTheNextEventArrives() {
        start(new AppConfig.ExitOverrides(0.01f, null, null, false));
        EventBatch s0 = Samples.random(TestModels.SENSOR, 200, 5_000, 4_000, 1);
        long frameEnd = s0.t(0) + TestModels.WINDOW_US;
        int inFrame0 = 0;
        while (s0.t(inFrame0) < frameEnd) {
            inFrame0++;
        }
        // the first packet holds exactly frame 0's events: without a watermark, frame 0 would wait for the next
        List<EventPacket> ps = Samples.watermarked(Samples.packets("cam", 0, "s0", 2, s0, inFrame0, 7_000));
        int sent = 0;
        while (out.isEmpty()) {
            EventPacket p = ps.get(sent++);
            long firstEvent = p.getEventCount() == 0 ? Long.MIN_VALUE : PacketCodec.decode(p).t(0);
            assertThat(firstEvent).as("decided before any event of the next frame was sent").isLessThan(frameEnd);
            send(List.of(p));
        }
        assertThat(sent).isEqualTo(2);
        EventPacket closing = ps.get(sent - 1);
        assertThat(closing.getEventCount()).as("a heartbeat closed the frame").isZero();
        assertThat(closing.getWatermarkUs()).isGreaterThanOrEqualTo(frameEnd);
        Classification c = classifications().get(0);
        assertSame(c, offline(s0));
        assertThat(c.getDecisionEventTimeUs()).isEqualTo(frameEnd);
        assertThat(c.getDecidingPacketIntendedSendNs()).isEqualTo(closing.getReplay().getIntendedSendTimeNs());
        assertThat(registry.get("spikestream.frames").tag("cause", "watermark").counter().count()).isEqualTo(1);
        assertThat(registry.get("spikestream.frames").tag("cause", "event").counter().count()).isZero();
    }

    @Test
    void samplesFramedOnWatermarksAndHeartbeatsDecideAsOffline() {
        start(new AppConfig.ExitOverrides(null, null, null, true));
        List<EventBatch> samples = new ArrayList<>();
        long seq = 0;
        for (int k = 0; k < 6; k++) {
            EventBatch s = Samples.random(TestModels.SENSOR, 40 + 50 * k, 100_000L * k, 1_500 + 900 * k, 40 + k);
            samples.add(s);
            List<EventPacket> ps = Samples.watermarked(Samples.packets("cam", seq, "s" + k, k % 4, s, 7 + k, 0));
            seq += ps.size();
            send(ps);
        }
        List<Classification> cs = classifications();
        assertThat(cs).hasSize(samples.size());
        for (int k = 0; k < samples.size(); k++) {
            assertSame(cs.get(k), offline(samples.get(k)));
        }
        assertThat(registry.get("spikestream.frames").tag("cause", "watermark").counter().count()).isPositive();
        assertThat(dlq.isEmpty()).as("heartbeats are valid input").isTrue();
    }

    @Test
    void aHeartbeatIsNotActivityAndDoesNotPostponeTheIdleClose() {
        start(new AppConfig.ExitOverrides(0.01f, null, null, false));
        EventBatch s = Samples.random(TestModels.SENSOR, 30, 10_000, 600, 4); // all inside frame 0
        send(Samples.livePackets("live", s, 10));
        for (int k = 0; k < 5; k++) {
            driver.advanceWallClockTime(Duration.ofMillis(60));
            // the camera is quiet: its watermark stays inside frame 0, so only the idle close can end it
            send(List.of(Samples.heartbeat("live", 3 + k, TestModels.SENSOR, null, s.t(29) + 1)));
        }
        assertThat(dlq.isEmpty()).isTrue();
        List<Classification> cs = classifications();
        assertThat(cs).as("300 ms after the last event, heartbeats every 60 ms, grace 200 ms").hasSize(1);
        assertSame(cs.get(0), offline(s));
        assertThat(registry.get("spikestream.frames").tag("cause", "idle").counter().count()).isEqualTo(1);
        assertThat(registry.get("spikestream.packets").counter().count()).isEqualTo(8);
    }

    @Test
    void twoInterleavedCamerasKeepSeparateEpisodes() {
        start(new AppConfig.ExitOverrides(null, null, null, true));
        EventBatch a = Samples.random(TestModels.SENSOR, 300, 0, 4_500, 21);
        EventBatch b = Samples.random(TestModels.SENSOR, 300, 77, 8_000, 22);
        List<EventPacket> pa = Samples.packets("A", 0, "a", 0, a, 13, 0);
        List<EventPacket> pb = Samples.packets("B", 0, "b", 1, b, 29, 0);
        for (int i = 0; i < Math.max(pa.size(), pb.size()); i++) {
            if (i < pa.size()) {
                send(List.of(pa.get(i)));
            }
            if (i < pb.size()) {
                send(List.of(pb.get(i)));
            }
        }
        List<Classification> cs = classifications();
        assertThat(cs).hasSize(2);
        Classification ca = cs.stream().filter(c -> c.getCameraId().equals("A")).findFirst().orElseThrow();
        Classification cb = cs.stream().filter(c -> c.getCameraId().equals("B")).findFirst().orElseThrow();
        assertSame(ca, offline(a));
        assertSame(cb, offline(b));
        assertThat(ca.getEpisode()).isZero();
        assertThat(cb.getEpisode()).isZero();
    }

    @Test
    void malformedRecordsGoToTheDeadLetterTopicAndValidOnesStillCount() {
        start(new AppConfig.ExitOverrides(null, null, null, true));
        EventBatch s = Samples.random(TestModels.SENSOR, 100, 0, 3_000, 31);
        List<EventPacket> ps = Samples.packets("cam", 0, "ok", 0, s, 25, 0);
        in.pipeInput("cam", ps.get(0).toByteArray());
        byte[] garbage = {0x0a, (byte) 0xff, 0x01};
        in.pipeInput("cam", garbage);
        EventPacket wrongGeometry = Samples.livePackets("cam", Samples.random(new SensorGeometry(34, 34), 10, 0, 100, 1),
                10).get(0);
        in.pipeInput("cam", wrongGeometry.toByteArray());
        EventPacket truncated = ps.get(1).toBuilder().setEventCount(ps.get(1).getEventCount() + 1).build();
        in.pipeInput("cam", truncated.toByteArray());
        in.pipeInput("other", ps.get(1).toByteArray()); // key says other, packet says cam
        EventPacket backwards = Samples.livePackets("cam", Samples.random(TestModels.SENSOR, 5, 0, 1, 9), 5).get(0)
                .toBuilder().setReplay(ps.get(1).getReplay()).build();
        for (int i = 1; i < ps.size(); i++) {
            if (i == 2) {
                in.pipeInput("cam", backwards.toByteArray());
            }
            in.pipeInput("cam", ps.get(i).toByteArray());
        }
        in.pipeInput("cam", (byte[]) null);
        List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).extracting(r -> DeadLetterHeaders.header(r.headers(), DeadLetterHeaders.KIND))
                .containsExactly("unparseable", "wrong-geometry", "bad-packet", "camera-mismatch", "time-backwards", "unparseable");
        assertThat(dead.get(0).value()).isEqualTo(garbage);
        assertThat(DeadLetterHeaders.header(dead.get(1).headers(), DeadLetterHeaders.REASON)).contains("34x34").contains("16x16");
        assertThat(DeadLetterHeaders.header(dead.get(2).headers(), DeadLetterHeaders.REASON)).contains("event_count");
        assertThat(DeadLetterHeaders.header(dead.get(0).headers(), DeadLetterHeaders.TOPIC)).isEqualTo(Topics.DEFAULT_EVENTS);
        assertThat(DeadLetterHeaders.header(dead.get(0).headers(), DeadLetterHeaders.OFFSET)).isEqualTo("1");
        List<Classification> cs = classifications();
        assertThat(cs).hasSize(1);
        assertSame(cs.get(0), offline(s));
        assertThat(registry.get("spikestream.dead.letters").tag("kind", "unparseable").counter().count()).isEqualTo(2);
    }

    @Test
    void absurdTimestampsAndOverlongIdsGoToTheDeadLetterTopic() {
        start(new AppConfig.ExitOverrides(null, null, null, true));
        EventBatch s = Samples.random(TestModels.SENSOR, 100, 0, 3_000, 32);
        List<EventPacket> ps = Samples.packets("cam", 0, "ok", 0, s, 25, 0);
        in.pipeInput("cam", ps.get(0).toByteArray());
        in.pipeInput("cam", ps.get(1).toBuilder().setTBaseUs(-5).build().toByteArray());
        in.pipeInput("cam", ps.get(1).toBuilder().setTBaseUs(4_000_000_000_000_000_000L).build().toByteArray());
        String longId = "c".repeat(300);
        in.pipeInput(longId, ps.get(1).toBuilder().setCameraId("").build().toByteArray());
        in.pipeInput("", ps.get(1).toBuilder().setCameraId(longId).build().toByteArray());
        in.pipeInput("cam", ps.get(1).toBuilder().setReplay(ps.get(1).getReplay().toBuilder().setSampleId("s".repeat(2000)))
                .build().toByteArray());
        for (int i = 1; i < ps.size(); i++) {
            in.pipeInput("cam", ps.get(i).toByteArray());
        }
        List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).extracting(r -> DeadLetterHeaders.header(r.headers(), DeadLetterHeaders.KIND))
                .containsExactly("bad-timestamp", "bad-timestamp", "oversized", "oversized", "oversized");
        assertThat(DeadLetterHeaders.header(dead.get(0).headers(), DeadLetterHeaders.REASON)).contains("t=-5 us");
        assertThat(DeadLetterHeaders.header(dead.get(1).headers(), DeadLetterHeaders.REASON)).contains("t_base_us 4000000000000000000");
        assertThat(DeadLetterHeaders.header(dead.get(2).headers(), DeadLetterHeaders.REASON)).contains("camera id").contains("300 bytes");
        assertThat(DeadLetterHeaders.header(dead.get(3).headers(), DeadLetterHeaders.REASON)).contains("camera_id of 300 bytes");
        assertThat(DeadLetterHeaders.header(dead.get(4).headers(), DeadLetterHeaders.REASON)).contains("sample_id of 2000 bytes");
        List<Classification> cs = classifications();
        assertThat(cs).hasSize(1);
        assertSame(cs.get(0), offline(s));
    }

    @Test
    void gapsAndRepeatsInACamerasPacketSequenceAreCounted() {
        start(new AppConfig.ExitOverrides(null, null, null, true));
        List<EventPacket> ps = Samples.livePackets("cam", Samples.random(TestModels.SENSOR, 60, 0, 3_000, 33), 10);
        long[] sequences = {0, 1, 4, 4, 5, 0};
        for (int i = 0; i < ps.size(); i++) {
            in.pipeInput("cam", ps.get(i).toBuilder().setSequence(sequences[i]).build().toByteArray());
        }
        assertThat(registry.get("spikestream.packets.sequence.gaps").counter().count()).isEqualTo(2);
        assertThat(registry.get("spikestream.packets.sequence.repeats").counter().count()).isEqualTo(2);
        assertThat(dlq.readRecordsToList()).as("numbers are counted, never a reason to reject").isEmpty();
    }
}

package io.spikestream.stream.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.events.EventBatch;
import io.spikestream.proto.v1.Classification;
import io.spikestream.proto.v1.EventPacket;
import io.spikestream.proto.v1.ExitReason;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.exit.ExitPolicy;
import io.spikestream.snn.inference.SparseEngine;
import io.spikestream.stream.ClassifierTopology;
import io.spikestream.stream.metrics.StreamMetrics;
import io.spikestream.stream.state.CameraState;
import io.spikestream.stream.state.CameraStateCodec;
import io.spikestream.stream.testing.Samples;
import io.spikestream.stream.testing.TestModels;
import io.spikestream.topics.DeadLetterHeaders;
import io.spikestream.topics.DecisionKey;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClassifierProcessorTest {
    private final BnntModel model = TestModels.tiny();
    private MockProcessorContext<Object, Object> context;
    private KeyValueStore<String, byte[]> store;
    private ClassifierProcessor processor;
    private final StreamMetrics metrics = StreamMetrics.noop();

    @BeforeEach
    void setUp() {
        context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(1_000_000L);
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ClassifierTopology.STORE), Serdes.String(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        processor = new ClassifierProcessor(ClassifierTopology.STORE, "out", "dlq",
                clock -> new EpisodeRunner(model, new SparseEngine(model), ExitPolicy.never(TestModels.T),
                        StreamMetrics.noop(), clock, () -> 42L, 8), metrics, Duration.ofMillis(100));
        processor.init(context);
    }

    private void process(EventPacket p) {
        processor.process(new Record<>(p.getCameraId(), p.toByteArray(), 0L));
    }

    private ClassifierProcessor restarted() {
        ClassifierProcessor p = new ClassifierProcessor(ClassifierTopology.STORE, "out", "dlq",
                clock -> new EpisodeRunner(model, new SparseEngine(model), ExitPolicy.never(TestModels.T),
                        StreamMetrics.noop(), clock, () -> 42L, 8), metrics, Duration.ofMillis(100));
        p.init(context);
        return p;
    }

    @Test
    void aRecordReadAgainAfterARestartIsSkippedWhenTheStateAlreadyHoldsIt() {
        EventBatch s = Samples.random(TestModels.SENSOR, 120, 0, 3_500, 5);
        List<EventPacket> ps = Samples.packets("cam", 0, "x", 1, s, 40, 0);
        for (int i = 0; i < ps.size(); i++) {
            context.setRecordMetadata("dvs-events", 0, 10 + i);
            process(ps.get(i));
        }
        Classification first = (Classification) context.forwarded().get(0).record().value();
        context.resetForwards();
        // a crash under at-least-once: the state's changelog got further than the committed offset 10, so the
        // packets at 10, 11 and 12 come again to a fresh processor whose state already holds them
        processor = restarted();
        for (int i = 0; i < ps.size(); i++) {
            context.setRecordMetadata("dvs-events", 0, 10 + i);
            processor.process(new Record<>("cam", ps.get(i).toByteArray(), 0L));
        }
        assertThat(context.forwarded()).as("nothing framed twice, nothing decided twice").isEmpty();
        assertThat(metrics.registry().get("spikestream.records.skipped").counter().count()).isEqualTo(3);
        // the same records when the state does not hold them yet (it got only as far as offset 10): offsets 11
        // and 12 are applied again and give the decision made before
        store.delete("cam");
        context.setRecordMetadata("dvs-events", 0, 10);
        processor.process(new Record<>("cam", ps.get(0).toByteArray(), 0L));
        assertThat(context.forwarded()).isEmpty();
        processor = restarted();
        for (int i = 0; i < ps.size(); i++) {
            context.setRecordMetadata("dvs-events", 0, 10 + i);
            processor.process(new Record<>("cam", ps.get(i).toByteArray(), 0L));
        }
        assertThat(context.forwarded()).singleElement().satisfies(f ->
                assertThat(((Classification) f.record().value()).toBuilder().clearEmittedAtNs().clearFrameClosedNs()
                        .build()).isEqualTo(first.toBuilder().clearEmittedAtNs().clearFrameClosedNs().build()));
    }

    @Test
    void decisionsAreKeyedByCameraAndEpisodeAndCarryTheDecidingPacketsStageTimes() {
        EventBatch s = Samples.random(TestModels.SENSOR, 80, 0, 3_500, 7);
        List<EventPacket> ps = Samples.packets("cam", 0, "x", 1, s, 40, 1_000);
        process(ps.get(0));
        RecordHeaders headers = new RecordHeaders();
        headers.add(PollStamp.HEADER, ByteBuffer.allocate(8).putLong(777_000L).array());
        Record<String, byte[]> last = new Record<>("cam", ps.get(1).toByteArray(), 1234L, headers);
        processor.process(last);
        assertThat(last.headers().lastHeader(PollStamp.HEADER)).as("the poll stamp goes no further").isNull();
        CapturedForward<?, ?> fw = context.forwarded().get(0);
        assertThat(fw.record().key()).isEqualTo(new DecisionKey("cam", 0));
        Classification c = (Classification) fw.record().value();
        assertThat(c.getDecidingPacketIntendedSendNs()).isEqualTo(1_001);
        assertThat(c.getDecidingPacketActualSendNs()).isEqualTo(1_001);
        assertThat(c.getDecidingRecordTimestampMs()).isEqualTo(1234L);
        assertThat(c.getDecidingRecordPolledNs()).isEqualTo(777_000L);
        assertThat(c.getFrameClosedNs()).isEqualTo(42L);
    }

    @Test
    void keepsTheEpisodeInTheStoreAndEmitsAtTheEndOfTheSample() {
        EventBatch s = Samples.random(TestModels.SENSOR, 120, 0, 3_500, 5);
        List<EventPacket> ps = Samples.packets("cam", 0, "x", 1, s, 40, 0);
        process(ps.get(0));
        process(ps.get(1));
        assertThat(context.forwarded()).isEmpty();
        CameraState mid = CameraStateCodec.decode(store.get("cam"), TestModels.SENSOR, model.spec().framing().frameSize());
        assertThat(mid.phase()).isEqualTo(CameraState.Phase.OPEN);
        assertThat(mid.eventsUsed()).isEqualTo(80);
        assertThat(mid.frames().size()).isEqualTo((int) ((s.t(79) - s.t(0)) / TestModels.WINDOW_US));
        process(ps.get(2));
        List<CapturedForward<?, ?>> fw = context.forwarded();
        assertThat(fw).hasSize(1);
        assertThat(fw.get(0).childName()).hasValue("out");
        Classification c = (Classification) fw.get(0).record().value();
        assertThat(c.getExitReason()).isEqualTo(ExitReason.EXIT_REASON_END_OF_SAMPLE);
        assertThat(c.getEventsUsed()).isEqualTo(120);
        assertThat(c.getEmittedAtNs()).isEqualTo(42L);
        CameraState after = CameraStateCodec.decode(store.get("cam"), TestModels.SENSOR, model.spec().framing().frameSize());
        assertThat(after.phase()).isEqualTo(CameraState.Phase.IDLE);
        assertThat(after.frames()).isEmpty();
    }

    @Test
    void unparseableValuesAreForwardedToTheDeadLetterChildUnchanged() {
        byte[] bad = {1, 2, 3};
        processor.process(new Record<>("cam", bad, 5L));
        assertThat(context.forwarded()).singleElement().satisfies(f -> {
            assertThat(f.childName()).hasValue("dlq");
            assertThat(f.record().value()).isEqualTo(bad);
            assertThat(DeadLetterHeaders.header(f.record().headers(), DeadLetterHeaders.KIND)).isEqualTo("unparseable");
        });
        assertThat(store.get("cam")).isNull();
    }

    @Test
    void theIdlePunctuatorIsScheduledOnTheWallClock() {
        assertThat(context.scheduledPunctuators()).singleElement().satisfies(p -> {
            assertThat(p.getType()).isEqualTo(org.apache.kafka.streams.processor.PunctuationType.WALL_CLOCK_TIME);
            assertThat(p.getInterval()).isEqualTo(Duration.ofMillis(50));
        });
        EventBatch s = Samples.random(TestModels.SENSOR, 10, 0, 200, 6);
        process(Samples.livePackets("cam", s, 10).get(0));
        context.setCurrentSystemTimeMs(context.currentSystemTimeMs() + 1_000);
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(context.currentSystemTimeMs());
        CameraState st = CameraStateCodec.decode(store.get("cam"), TestModels.SENSOR, model.spec().framing().frameSize());
        assertThat(st.frames()).hasSize(1);
        assertThat(st.frames().get(0).closedByCall()).isTrue();
        assertThat(st.partial().size()).isZero();
    }
}

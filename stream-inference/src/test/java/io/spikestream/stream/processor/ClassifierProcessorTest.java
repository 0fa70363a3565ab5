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
import java.time.Duration;
import java.util.List;
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
    private MockProcessorContext<String, Object> context;
    private KeyValueStore<String, byte[]> store;
    private ClassifierProcessor processor;

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
                        StreamMetrics.noop(), clock, () -> 42L, 8), StreamMetrics.noop(), Duration.ofMillis(100));
        processor.init(context);
    }

    private void process(EventPacket p) {
        processor.process(new Record<>(p.getCameraId(), p.toByteArray(), 0L));
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
        List<CapturedForward<? extends String, ?>> fw = context.forwarded();
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

package io.spikestream.stream.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.events.EventBatch;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.PacketCodec;
import io.spikestream.proto.v1.Classification;
import io.spikestream.proto.v1.EventPacket;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.exit.ExitPolicy;
import io.spikestream.snn.inference.SparseEngine;
import io.spikestream.stream.metrics.StreamMetrics;
import io.spikestream.stream.state.CameraState;
import io.spikestream.stream.state.CameraStateCodec;
import io.spikestream.stream.testing.Samples;
import io.spikestream.stream.testing.TestModels;
import io.spikestream.topics.ClassificationMapper;
import io.spikestream.topics.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The state is all there is: a runner that loses its memory (network cache) and gets its state back
 * from the codec after any packet or idle tick decides exactly as one that never stopped. Covers the
 * framer replay for time-window and event-count frames, idle closes, gaps, and frames closed by
 * watermarks and heartbeats.
 */
class RestoreEquivalenceTest {
    private static final long GRACE_NS = 1_000_000;

    record Step(EventPacket packet, boolean idleAfter) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"time", "count", "watermarks"})
    void restoringAfterEveryStepGivesTheUninterruptedResult(String mode) {
        BnntModel model = mode.equals("count") ? TestModels.tinyEventCount() : TestModels.tiny();
        SplittableRandom r = new SplittableRandom(42);
        List<Step> steps = new ArrayList<>();
        long seq = 0;
        for (int s = 0; s < 12; s++) {
            // varied lengths and gaps: some samples end before T, some run past it, some have holes
            EventBatch sample = Samples.random(TestModels.SENSOR, 30 + r.nextInt(300), 1_000_000L * s,
                    500 + r.nextInt(9000), s);
            if (s % 3 == 0) {
                sample = withGap(sample, 2500);
            }
            List<EventPacket> ps = Samples.packets("cam", seq, "s" + s, s % 4, sample, 5 + r.nextInt(40), 1000L * s);
            if (mode.equals("watermarks")) {
                // frames close on watermarks and heartbeats, some of them last in a sample's stored frames
                ps = Samples.watermarked(ps);
            }
            seq += ps.size();
            for (EventPacket p : ps) {
                steps.add(new Step(p, r.nextInt(5) == 0));
            }
        }
        for (ExitPolicy policy : List.of(ExitPolicy.never(TestModels.T), ExitPolicy.of(
                io.spikestream.snn.EarlyExitSettings.confidence(0.27f), TestModels.T))) {
            List<Decision> straight = run(model, policy, steps, false);
            List<Decision> restored = run(model, policy, steps, true);
            assertThat(straight).hasSizeGreaterThanOrEqualTo(12);
            assertThat(strip(restored)).isEqualTo(strip(straight));
        }
    }

    private static EventBatch withGap(EventBatch b, long gapUs) {
        EventBuffer out = new EventBuffer(b.geometry(), b.size());
        for (int i = 0; i < b.size(); i++) {
            out.add(b.x(i), b.y(i), b.on(i), b.t(i) + (i > b.size() / 2 ? gapUs : 0));
        }
        return out.toBatch();
    }

    private static List<Decision> run(BnntModel model, ExitPolicy policy, List<Step> steps, boolean restoreEachTime) {
        long[] now = {0};
        SparseEngine engine = new SparseEngine(model);
        StreamMetrics metrics = StreamMetrics.noop();
        EpisodeRunner runner = new EpisodeRunner(model, engine, policy, metrics, () -> now[0], () -> 0, 16);
        CameraState state = new CameraState(TestModels.SENSOR);
        List<Decision> out = new ArrayList<>();
        EventBuffer events = new EventBuffer(TestModels.SENSOR);
        int frameSize = model.spec().framing().frameSize();
        for (Step st : steps) {
            events.clear();
            PacketCodec.decodeInto(st.packet(), events);
            now[0] += 10;
            runner.onPacket("cam", state, events, new PacketInfo(PacketCodec.replayOf(st.packet()),
                    PacketCodec.watermarkOf(st.packet(), PacketInfo.NO_WATERMARK), 0, 0), out::add);
            if (restoreEachTime) {
                state = CameraStateCodec.decode(CameraStateCodec.encode(state), TestModels.SENSOR, frameSize);
                runner = new EpisodeRunner(model, engine, policy, metrics, () -> now[0], () -> 0, 16);
            }
            if (st.idleAfter()) {
                now[0] += GRACE_NS;
                runner.onIdle("cam", state, GRACE_NS, out::add);
                if (restoreEachTime) {
                    state = CameraStateCodec.decode(CameraStateCodec.encode(state), TestModels.SENSOR, frameSize);
                    runner.clearCache();
                }
            }
        }
        return out;
    }

    /** Without the stage times, which a restored runner does not know for frames closed before the restore. */
    private static List<Classification> strip(List<Decision> cs) {
        return cs.stream().map(c -> ClassificationMapper.toProto(c).toBuilder().clearEmittedAtNs().clearFrameClosedNs()
                .clearDecidingPacketActualSendNs().clearDecidingRecordTimestampMs().clearDecidingRecordPolledNs()
                .build()).toList();
    }
}

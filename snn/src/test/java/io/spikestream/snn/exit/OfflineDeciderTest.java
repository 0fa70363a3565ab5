package io.spikestream.snn.exit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.events.EventBatch;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.TinyNets;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.Framer;
import io.spikestream.snn.inference.Session;
import io.spikestream.snn.inference.SparseEngine;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OfflineDeciderTest {
    private final ModelSpec spec = TinyNets.spec("c4-p2-f8", 8, 8, 6, 3);
    private final BnntModel model = TinyNets.randomModel(spec, 3);

    /** Events over {@code frames} windows of the tiny nets' 1000 µs framing. */
    private static EventBatch sample(int frames, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 40 * frames;
        int[] xs = new int[n];
        int[] ys = new int[n];
        boolean[] on = new boolean[n];
        long[] ts = new long[n];
        for (int i = 0; i < n; i++) {
            xs[i] = r.nextInt(8);
            ys[i] = r.nextInt(8);
            on[i] = r.nextBoolean();
            ts[i] = 25L * i;
        }
        return EventBatch.of(TinyNets.framing(8, 8, CountMode.CLIPPED, 3).sensor(), n, xs, ys,
                on, ts);
    }

    @Test
    void stepsTheTrainersFramesUntilTheRuleFiresOrTheSampleEnds() {
        SparseEngine engine = new SparseEngine(model);
        EventBatch two = sample(2, 1);
        OfflineDecider.Result never = new OfflineDecider(spec.framing(), 6, engine, ExitPolicy.never(6)).decide(two);
        assertThat(never.reason()).isEqualTo(ExitDecision.END_OF_SAMPLE);
        assertThat(never.steps()).isEqualTo(2);
        float[][] frames = Framer.frames(two, spec.framing(), 6);
        Session s = engine.newSession();
        s.step(frames[0]);
        float[] scores = s.step(frames[1]);
        assertThat(never.scores()).containsExactly(scores);
        assertThat(never.predicted()).isEqualTo(ExitMetrics.argmax(scores));

        OfflineDecider.Result capped = new OfflineDecider(spec.framing(), 6, engine, ExitPolicy.never(6))
                .decide(sample(10, 2));
        assertThat(capped.reason()).isEqualTo(ExitDecision.MAX_STEPS);
        assertThat(capped.steps()).isEqualTo(6);

        OfflineDecider early = new OfflineDecider(spec.framing(), 6, engine, new ExitPolicy.Confidence(0.01f));
        assertThat(early.decide(sample(10, 2)).steps()).isEqualTo(1);
        assertThat(early.decide(sample(10, 2)).reason()).as("a second sample starts afresh").isEqualTo(ExitDecision.CONFIDENCE);
    }

    @Test
    void anEmptySampleHasNoDecision() {
        OfflineDecider d = new OfflineDecider(spec.framing(), 6, new SparseEngine(model), ExitPolicy.never(6));
        assertThatThrownBy(() -> d.decide(EventBatch.empty(spec.framing().sensor()))).hasMessageContaining("empty sample");
    }
}

package io.spikestream.stream.testing;

import io.spikestream.events.EventBatch;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.exit.ExitDecision;
import io.spikestream.snn.exit.ExitMetrics;
import io.spikestream.snn.exit.ExitPolicy;
import io.spikestream.snn.framing.Framer;
import io.spikestream.snn.inference.InferenceEngine;
import io.spikestream.snn.inference.Session;
import java.util.ArrayList;
import java.util.List;

/**
 * What the offline path gives for one whole sample: all of its frames (Framer.frames, the trainer's
 * path), stepped through a fresh session with the exit policy after each step, END_OF_SAMPLE when the
 * sample runs out first. The stream app must agree exactly.
 */
public final class OfflineReference {
    public record Expected(int predicted, float[] scores, int steps, ExitDecision reason) {
    }

    private OfflineReference() {
    }

    public static Expected decide(BnntModel model, InferenceEngine engine, ExitPolicy policy, EventBatch sample) {
        int t = model.spec().timesteps();
        List<float[]> frames = new ArrayList<>();
        Framer framer = new Framer(model.spec().framing(), t);
        for (int i = 0; i < sample.size() && !framer.full(); i++) {
            framer.accept(sample.x(i), sample.y(i), sample.on(i), sample.t(i), (f, end, n) -> frames.add(f.clone()));
        }
        framer.closeFrame((f, end, n) -> frames.add(f.clone()));
        // cross-check with the trainer's entry point
        float[][] viaTrainer = Framer.frames(sample, model.spec().framing(), t);
        for (int k = 0; k < frames.size(); k++) {
            if (!java.util.Arrays.equals(frames.get(k), viaTrainer[k])) {
                throw new AssertionError("frame " + k + " differs from Framer.frames");
            }
        }
        Session s = engine.newSession();
        float[] scores = null;
        ExitDecision reason = ExitDecision.END_OF_SAMPLE;
        for (float[] f : frames) {
            scores = s.step(f);
            ExitDecision d = policy.check(scores, s.steps());
            if (d.stops()) {
                reason = d;
                break;
            }
        }
        if (scores == null) {
            throw new IllegalArgumentException("empty sample");
        }
        return new Expected(ExitMetrics.argmax(scores), scores.clone(), s.steps(), reason);
    }
}

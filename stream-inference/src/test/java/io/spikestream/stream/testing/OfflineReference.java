package io.spikestream.stream.testing;

import io.spikestream.events.EventBatch;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.exit.ExitDecision;
import io.spikestream.snn.exit.ExitPolicy;
import io.spikestream.snn.exit.OfflineDecider;
import io.spikestream.snn.framing.Framer;
import io.spikestream.snn.inference.InferenceEngine;
import java.util.Arrays;

/**
 * What the offline path gives for one whole sample ({@link OfflineDecider}), cross-checked against the
 * trainer's entry point {@link Framer#frames}. The stream app must agree exactly.
 */
public final class OfflineReference {
    public record Expected(int predicted, float[] scores, int steps, ExitDecision reason) {
    }

    private OfflineReference() {
    }

    public static Expected decide(BnntModel model, InferenceEngine engine, ExitPolicy policy, EventBatch sample) {
        int t = model.spec().timesteps();
        OfflineDecider.Result r = new OfflineDecider(model.spec().framing(), t, engine, policy).decide(sample);
        // the decider's frames are the trainer's: its steps over Framer.frames give the same scores
        float[][] viaTrainer = Framer.frames(sample, model.spec().framing(), t);
        var session = engine.newSession();
        float[] scores = null;
        for (int k = 0; k < r.steps(); k++) {
            scores = session.step(viaTrainer[k]);
        }
        if (!Arrays.equals(scores, r.scores())) {
            throw new AssertionError("the offline decider's scores differ from stepping Framer.frames");
        }
        return new Expected(r.predicted(), r.scores(), r.steps(), r.reason());
    }
}

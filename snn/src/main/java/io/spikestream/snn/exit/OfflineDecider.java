package io.spikestream.snn.exit;

import io.spikestream.events.EventBatch;
import io.spikestream.snn.framing.Framer;
import io.spikestream.snn.framing.FramingSpec;
import io.spikestream.snn.inference.InferenceEngine;
import io.spikestream.snn.inference.Session;
import java.util.ArrayList;
import java.util.List;

/**
 * What the offline path decides for one whole sample, the reference a served decision must equal: the
 * sample's frames (the {@link Framer}, as the trainer frames), stepped through a fresh session with the
 * exit policy checked after each step; {@link ExitDecision#END_OF_SAMPLE} when the frames run out before a
 * rule fires. The stream app frames the same events identically whatever its packets and watermarks, so
 * it must reach the same class, scores (bit for bit), steps and reason. Not thread-safe (one session).
 */
public final class OfflineDecider {
    private final FramingSpec framing;
    private final int timesteps;
    private final ExitPolicy policy;
    private final Session session;

    /** What the offline path decided: the predicted class, the running scores, steps run and why it stopped. */
    public record Result(int predicted, float[] scores, int steps, ExitDecision reason) {
    }

    /**
     * @param framing   the model's framing
     * @param timesteps the model's T
     * @param engine    the engine the stream app runs (engines agree bit for bit, but the check is stricter
     *                  with the same one)
     * @param policy    the exit rule the stream app applies
     */
    public OfflineDecider(FramingSpec framing, int timesteps, InferenceEngine engine, ExitPolicy policy) {
        this.framing = framing;
        this.timesteps = timesteps;
        this.policy = policy;
        this.session = engine.newSession();
    }

    /** @throws IllegalArgumentException when the sample has no events (the stream app decides nothing then) */
    public Result decide(EventBatch sample) {
        if (sample.size() == 0) {
            throw new IllegalArgumentException("an empty sample gets no decision");
        }
        List<float[]> frames = new ArrayList<>();
        Framer framer = new Framer(framing, timesteps);
        for (int i = 0; i < sample.size() && !framer.full(); i++) {
            framer.accept(sample.x(i), sample.y(i), sample.on(i), sample.t(i), (f, end, n) -> frames.add(f.clone()));
        }
        framer.closeFrame((f, end, n) -> frames.add(f.clone()));
        session.reset();
        float[] scores = null;
        ExitDecision reason = ExitDecision.END_OF_SAMPLE;
        for (float[] f : frames) {
            scores = session.step(f);
            ExitDecision d = policy.check(scores, session.steps());
            if (d.stops()) {
                reason = d;
                break;
            }
        }
        return new Result(ExitMetrics.argmax(scores), scores.clone(), session.steps(), reason);
    }
}

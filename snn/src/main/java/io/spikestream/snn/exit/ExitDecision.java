package io.spikestream.snn.exit;

/**
 * What happens after a network step: run another ({@link #CONTINUE}) or stop, and why. An
 * {@link ExitPolicy} returns {@code CONTINUE} or one of the score and step rules; {@link #END_OF_SAMPLE}
 * is never a policy's answer but the stream's, when a sample ends before any rule fired. The wire
 * form is {@code neuro.v1.ExitReason}, mapped where classifications are encoded.
 */
public enum ExitDecision {
    /** No rule fired: run another step. */
    CONTINUE,
    /** The softmax of the running score reached the confidence threshold τ. */
    CONFIDENCE,
    /** Top-1 minus top-2 probability reached the margin threshold. */
    MARGIN,
    /** The data-set-level BNTT γ exit step was reached. */
    BNTT_GAMMA,
    /** The network ran all of its T time steps. */
    MAX_STEPS,
    /** The sample ended before any other rule fired (decided by the stream, not by a policy). */
    END_OF_SAMPLE;

    /** True for every decision but {@link #CONTINUE}. */
    public boolean stops() {
        return this != CONTINUE;
    }
}

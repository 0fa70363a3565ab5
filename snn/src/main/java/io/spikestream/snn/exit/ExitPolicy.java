package io.spikestream.snn.exit;

import io.spikestream.snn.BnntModel;
import io.spikestream.snn.EarlyExitSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * When an episode stops. {@link #check} runs after every step on the running score (mean readout so
 * far) and returns the reason to stop, or {@link ExitDecision#CONTINUE}. Policies are immutable,
 * allocation-free per check and thread-safe, so one instance serves every camera of a stream task.
 */
public sealed interface ExitPolicy permits ExitPolicy.Confidence, ExitPolicy.Margin, ExitPolicy.GammaStep,
        ExitPolicy.MaxSteps, ExitPolicy.AnyOf {

    /**
     * @param scores    the running score after {@code stepsDone} steps
     * @param stepsDone steps run so far (≥ 1)
     * @return why to stop now, or {@link ExitDecision#CONTINUE}
     */
    ExitDecision check(float[] scores, int stepsDone);

    /**
     * Stop when the max softmax probability of the running score reaches τ, but not before {@code minSteps}
     * steps: a minimum keeps out the samples that are confident and wrong after the first frame or two.
     */
    record Confidence(float tau, int minSteps) implements ExitPolicy {
        public Confidence {
            if (!(tau > 0f && tau <= 1f)) {
                throw new IllegalArgumentException("confidence threshold " + tau + " outside (0, 1]");
            }
            checkMinSteps(minSteps);
        }

        /** Exit after any step. */
        public Confidence(float tau) {
            this(tau, 1);
        }

        @Override
        public ExitDecision check(float[] scores, int stepsDone) {
            return stepsDone >= minSteps && ExitMetrics.confidence(scores) >= tau
                    ? ExitDecision.CONFIDENCE : ExitDecision.CONTINUE;
        }
    }

    /**
     * Stop when the top-1 minus top-2 softmax probability reaches {@code margin}, but not before
     * {@code minSteps} steps.
     */
    record Margin(float margin, int minSteps) implements ExitPolicy {
        public Margin {
            if (!(margin > 0f && margin <= 1f)) {
                throw new IllegalArgumentException("margin threshold " + margin + " outside (0, 1]");
            }
            checkMinSteps(minSteps);
        }

        /** Exit after any step. */
        public Margin(float margin) {
            this(margin, 1);
        }

        @Override
        public ExitDecision check(float[] scores, int stepsDone) {
            return stepsDone >= minSteps && ExitMetrics.margin(scores) >= margin ? ExitDecision.MARGIN : ExitDecision.CONTINUE;
        }
    }

    private static void checkMinSteps(int minSteps) {
        if (minSteps < 1) {
            throw new IllegalArgumentException("min steps " + minSteps + " must be at least 1");
        }
    }

    /** BNTT's data-set-level rule: stop after {@code step} steps, whatever the scores. */
    record GammaStep(int step) implements ExitPolicy {
        public GammaStep {
            if (step < 1) {
                throw new IllegalArgumentException("gamma exit step " + step + " must be at least 1");
            }
        }

        @Override
        public ExitDecision check(float[] scores, int stepsDone) {
            return stepsDone >= step ? ExitDecision.BNTT_GAMMA : ExitDecision.CONTINUE;
        }
    }

    /** Stop after T steps: the network has T sets of BN parameters. */
    record MaxSteps(int maxSteps) implements ExitPolicy {
        public MaxSteps {
            if (maxSteps < 1) {
                throw new IllegalArgumentException("max steps " + maxSteps + " must be at least 1");
            }
        }

        @Override
        public ExitDecision check(float[] scores, int stepsDone) {
            return stepsDone >= maxSteps ? ExitDecision.MAX_STEPS : ExitDecision.CONTINUE;
        }
    }

    /** The first policy, in order, that fires. */
    record AnyOf(List<ExitPolicy> policies) implements ExitPolicy {
        public AnyOf {
            policies = List.copyOf(policies);
        }

        @Override
        public ExitDecision check(float[] scores, int stepsDone) {
            for (int i = 0, n = policies.size(); i < n; i++) {
                ExitDecision d = policies.get(i).check(scores, stepsDone);
                if (d.stops()) {
                    return d;
                }
            }
            return ExitDecision.CONTINUE;
        }
    }

    /** The checkpoint's calibrated rules plus max steps T. */
    static ExitPolicy fromModel(BnntModel model) {
        return of(model.earlyExit(), model.spec().timesteps());
    }

    /**
     * Confidence τ (if > 0), margin (if > 0), both from {@code settings.minSteps()} on, γ step (if > 0, below
     * T), then max steps, checked in that order.
     */
    static ExitPolicy of(EarlyExitSettings settings, int maxSteps) {
        List<ExitPolicy> list = new ArrayList<>();
        if (settings.confidenceThreshold() > 0f) {
            list.add(new Confidence(settings.confidenceThreshold(), settings.minSteps()));
        }
        if (settings.marginThreshold() > 0f) {
            list.add(new Margin(settings.marginThreshold(), settings.minSteps()));
        }
        if (settings.gammaExitStep() > 0 && settings.gammaExitStep() < maxSteps) {
            list.add(new GammaStep(settings.gammaExitStep()));
        }
        list.add(new MaxSteps(maxSteps));
        return list.size() == 1 ? list.get(0) : new AnyOf(list);
    }

    /** Only max steps: every episode runs T steps. */
    static ExitPolicy never(int maxSteps) {
        return new MaxSteps(maxSteps);
    }
}

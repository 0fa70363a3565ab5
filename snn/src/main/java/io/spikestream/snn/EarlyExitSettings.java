package io.spikestream.snn;

import java.util.List;

/**
 * Early-exit settings calibrated on held-out data and stored in the checkpoint.
 * Accuracies are fractions in 0..1; the tolerance is in percentage points (1 = 0.01 accuracy).
 *
 * @param confidenceThreshold τ on the max softmax probability of the running score; 0 disables
 * @param marginThreshold     top-1 minus top-2 probability threshold; 0 disables
 * @param minSteps            no confidence or margin exit before this many steps (≥ 1; 1 = after any step)
 * @param gammaExitStep       data-set-level BNTT exit step (number of steps, 1-based); 0 disables
 * @param gammaThreshold      the per-step mean γ threshold that picked {@code gammaExitStep}
 * @param tolerancePoints     allowed accuracy loss versus full T used to pick τ, percentage points
 * @param accuracy            accuracy at τ on the calibration data
 * @param meanSteps           mean steps at τ on the calibration data
 * @param fullAccuracy        accuracy at full T on the calibration data
 * @param samples             number of calibration samples
 * @param table               the τ → (accuracy, mean steps) table, simulated with {@code minSteps}
 */
public record EarlyExitSettings(float confidenceThreshold, float marginThreshold, int minSteps, int gammaExitStep,
                                float gammaThreshold, float tolerancePoints, float accuracy, float meanSteps,
                                float fullAccuracy, int samples, List<Row> table) {

    /** One row of the calibration table. */
    public record Row(float threshold, float accuracy, float meanSteps) {
    }

    public EarlyExitSettings {
        if (!(confidenceThreshold >= 0f && confidenceThreshold <= 1f)) {
            throw new IllegalArgumentException("early exit: confidence threshold " + confidenceThreshold + " outside 0..1");
        }
        if (!(marginThreshold >= 0f && marginThreshold <= 1f)) {
            throw new IllegalArgumentException("early exit: margin threshold " + marginThreshold + " outside 0..1");
        }
        if (minSteps < 1) {
            throw new IllegalArgumentException("early exit: min steps " + minSteps + " must be at least 1");
        }
        if (gammaExitStep < 0) {
            throw new IllegalArgumentException("early exit: gamma exit step " + gammaExitStep + " is negative");
        }
        if (samples < 0) {
            throw new IllegalArgumentException("early exit: samples " + samples + " is negative");
        }
        table = table == null ? List.of() : List.copyOf(table);
    }

    /** No early exit: every episode runs T steps. */
    public static EarlyExitSettings none() {
        return new EarlyExitSettings(0f, 0f, 1, 0, 0f, 0f, 0f, 0f, 0f, 0, List.of());
    }

    /** Only a confidence threshold τ (e.g. a command-line override). */
    public static EarlyExitSettings confidence(float tau) {
        return new EarlyExitSettings(tau, 0f, 1, 0, 0f, 0f, 0f, 0f, 0f, 0, List.of());
    }

    public EarlyExitSettings withConfidenceThreshold(float tau) {
        return new EarlyExitSettings(tau, marginThreshold, minSteps, gammaExitStep, gammaThreshold, tolerancePoints,
                accuracy, meanSteps, fullAccuracy, samples, table);
    }

    public EarlyExitSettings withMarginThreshold(float margin) {
        return new EarlyExitSettings(confidenceThreshold, margin, minSteps, gammaExitStep, gammaThreshold, tolerancePoints,
                accuracy, meanSteps, fullAccuracy, samples, table);
    }

    public EarlyExitSettings withGammaExitStep(int step) {
        return new EarlyExitSettings(confidenceThreshold, marginThreshold, minSteps, step, gammaThreshold,
                tolerancePoints, accuracy, meanSteps, fullAccuracy, samples, table);
    }

    /** The same settings with confidence and margin exits allowed from step {@code steps} on. */
    public EarlyExitSettings withMinSteps(int steps) {
        return new EarlyExitSettings(confidenceThreshold, marginThreshold, steps, gammaExitStep, gammaThreshold,
                tolerancePoints, accuracy, meanSteps, fullAccuracy, samples, table);
    }
}

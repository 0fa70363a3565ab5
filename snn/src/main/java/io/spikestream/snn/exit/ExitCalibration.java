package io.spikestream.snn.exit;

import io.spikestream.snn.BnntModel;
import io.spikestream.snn.EarlyExitSettings;
import io.spikestream.snn.ModelSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Early-exit calibration on held-out data, for the trainer and {@code eval}.
 *
 * <p>Input: for every sample the running score after every step ({@code scores[sample][step][class]},
 * steps 1..T as indices 0..T−1) and the labels. A confidence threshold τ with a minimum of m steps is
 * simulated exactly as {@link ExitPolicy.Confidence} runs when serving: a sample stops at the first step
 * ≥ m whose {@link ExitMetrics#confidence} is ≥ τ, else at T, and is predicted by the argmax there.
 * Accuracies are fractions (0..1); tolerances are percentage points (1 = 0.01).
 */
public final class ExitCalibration {
    private ExitCalibration() {
    }

    /** The τ grid tried by default. */
    public static final float[] DEFAULT_THRESHOLDS = {0.5f, 0.6f, 0.7f, 0.8f, 0.85f, 0.9f, 0.925f, 0.95f, 0.96f,
            0.97f, 0.98f, 0.99f, 0.995f, 0.999f};

    /**
     * The minimum step counts searched jointly with τ by default. A minimum of 2 or 3 keeps out samples that are
     * confident and wrong after the first frame(s), which otherwise force τ up for every sample.
     */
    public static final int[] DEFAULT_MIN_STEPS = {1, 2, 3};

    /** Default tolerance: accuracy may drop at most 1 percentage point below full-T accuracy. */
    public static final float DEFAULT_TOLERANCE_POINTS = 1.0f;

    /**
     * Default γ threshold for {@link #gammaExitStep}: γ starts at 1 (BN init), so 0.5 means "this step's
     * BN scales its input by less than half the initial gain on average". Our choice; pass another to override.
     */
    public static final float DEFAULT_GAMMA_THRESHOLD = 0.5f;

    /**
     * The best τ for one minimum step count.
     *
     * @param minSteps  the minimum step count
     * @param threshold the τ with the fewest mean steps within the tolerance at this minimum (0 = none beats T)
     * @param accuracy  accuracy there (full-T accuracy when τ = 0)
     * @param meanSteps mean steps there (T when τ = 0)
     */
    public record Candidate(int minSteps, float threshold, float accuracy, float meanSteps) {
    }

    /**
     * The chosen τ and minimum step count, and the whole table.
     *
     * @param threshold       the chosen τ (0 = no early exit beats full T within the tolerance)
     * @param minSteps        the chosen minimum step count (1 when τ = 0)
     * @param accuracy        accuracy at τ
     * @param meanSteps       mean steps at τ
     * @param fullAccuracy    accuracy at full T
     * @param tolerancePoints the tolerance used
     * @param samples         number of samples
     * @param table           one row per τ tried, in the order given, simulated with {@code minSteps}
     * @param candidates      the best τ for each minimum step count searched, in ascending order
     */
    public record Result(float threshold, int minSteps, float accuracy, float meanSteps, float fullAccuracy,
                         float tolerancePoints, int samples, List<EarlyExitSettings.Row> table,
                         List<Candidate> candidates) {
        public Result {
            table = List.copyOf(table);
            candidates = List.copyOf(candidates);
        }

        /** The same result with another table (e.g. a readable grid instead of every τ searched). */
        public Result withTable(List<EarlyExitSettings.Row> rows) {
            return new Result(threshold, minSteps, accuracy, meanSteps, fullAccuracy, tolerancePoints, samples, rows,
                    candidates);
        }

        /** Settings for the checkpoint: τ, min steps, the table, and the given γ exit step and threshold (0 = none). */
        public EarlyExitSettings toSettings(int gammaExitStep, float gammaThreshold) {
            return new EarlyExitSettings(threshold, 0f, minSteps, gammaExitStep, gammaThreshold, tolerancePoints,
                    accuracy, meanSteps, fullAccuracy, samples, table);
        }
    }

    /** Accuracy when every sample runs all T steps. */
    public static float fullAccuracy(float[][][] scores, int[] labels) {
        int steps = check(scores, labels);
        if (scores.length == 0) {
            return 0f;
        }
        int correct = 0;
        for (int s = 0; s < scores.length; s++) {
            correct += ExitMetrics.argmax(scores[s][steps - 1]) == labels[s] ? 1 : 0;
        }
        return (float) correct / scores.length;
    }

    /** Accuracy after each number of steps 1..T (index 0 = after 1 step). */
    public static float[] accuracyByStep(float[][][] scores, int[] labels) {
        int steps = check(scores, labels);
        float[] acc = new float[steps];
        if (scores.length == 0) {
            return acc;
        }
        for (int t = 0; t < steps; t++) {
            int correct = 0;
            for (int s = 0; s < scores.length; s++) {
                correct += ExitMetrics.argmax(scores[s][t]) == labels[s] ? 1 : 0;
            }
            acc[t] = (float) correct / scores.length;
        }
        return acc;
    }

    /** One row: accuracy and mean steps when exiting at the first step with confidence ≥ τ. */
    public static EarlyExitSettings.Row evaluate(float[][][] scores, int[] labels, float tau) {
        return evaluate(scores, labels, tau, 1);
    }

    /**
     * One row: accuracy and mean steps when exiting at the first step ≥ {@code minSteps} with confidence ≥ τ
     * (a minimum above T means every sample runs T steps).
     */
    public static EarlyExitSettings.Row evaluate(float[][][] scores, int[] labels, float tau, int minSteps) {
        int steps = check(scores, labels);
        checkMinSteps(minSteps);
        if (scores.length == 0) {
            return new EarlyExitSettings.Row(tau, 0f, 0f);
        }
        int correct = 0;
        long stepSum = 0;
        for (int s = 0; s < scores.length; s++) {
            int used = steps;
            for (int t = minSteps - 1; t < steps; t++) {
                if (ExitMetrics.confidence(scores[s][t]) >= tau) {
                    used = t + 1;
                    break;
                }
            }
            stepSum += used;
            correct += ExitMetrics.argmax(scores[s][used - 1]) == labels[s] ? 1 : 0;
        }
        return new EarlyExitSettings.Row(tau, (float) correct / scores.length, (float) stepSum / scores.length);
    }

    /** The table τ → (accuracy, mean steps) for each τ, in the order given, exits allowed after any step. */
    public static List<EarlyExitSettings.Row> table(float[][][] scores, int[] labels, float[] thresholds) {
        return table(scores, labels, thresholds, 1);
    }

    /** The table τ → (accuracy, mean steps) for each τ, in the order given, no exit before {@code minSteps}. */
    public static List<EarlyExitSettings.Row> table(float[][][] scores, int[] labels, float[] thresholds,
            int minSteps) {
        List<EarlyExitSettings.Row> rows = new ArrayList<>(thresholds.length);
        for (float tau : thresholds) {
            if (!(tau > 0f && tau <= 1f)) {
                throw new IllegalArgumentException("threshold " + tau + " outside (0, 1]");
            }
            rows.add(evaluate(scores, labels, tau, minSteps));
        }
        return rows;
    }

    /** {@link #calibrate(float[][][], int[], float[], int[], float)} over {@link #DEFAULT_MIN_STEPS}. */
    public static Result calibrate(float[][][] scores, int[] labels, float[] thresholds, float tolerancePoints) {
        return calibrate(scores, labels, thresholds, DEFAULT_MIN_STEPS, tolerancePoints);
    }

    /**
     * Searches τ and the minimum step count jointly: picks the pair with the fewest mean steps whose accuracy is
     * at least full-T accuracy minus {@code tolerancePoints} percentage points (ties: the smaller minimum; for
     * one minimum, the higher accuracy, then the higher τ). When no pair qualifies the result has τ = 0 (no early
     * exit) and minimum 1, with full-T accuracy and T mean steps.
     */
    public static Result calibrate(float[][][] scores, int[] labels, float[] thresholds, int[] minStepsOptions,
            float tolerancePoints) {
        if (!(tolerancePoints >= 0f && tolerancePoints <= 100f)) {
            throw new IllegalArgumentException("tolerance " + tolerancePoints + " percentage points outside 0..100");
        }
        if (minStepsOptions.length == 0) {
            throw new IllegalArgumentException("no minimum step counts to search");
        }
        int[] options = minStepsOptions.clone();
        Arrays.sort(options);
        for (int i = 0; i < options.length; i++) {
            checkMinSteps(options[i]);
            if (i > 0 && options[i] == options[i - 1]) {
                throw new IllegalArgumentException("minimum step count " + options[i] + " given twice");
            }
        }
        int steps = check(scores, labels);
        float full = fullAccuracy(scores, labels);
        // compare in whole samples to avoid float noise at the boundary
        double floor = full - tolerancePoints / 100.0 - 1e-9;
        List<Candidate> candidates = new ArrayList<>(options.length);
        List<EarlyExitSettings.Row> chosenTable = null;
        Candidate chosen = null;
        List<EarlyExitSettings.Row> firstTable = null;
        for (int m : options) {
            List<EarlyExitSettings.Row> rows = table(scores, labels, thresholds, m);
            if (firstTable == null) {
                firstTable = rows;
            }
            EarlyExitSettings.Row best = bestWithin(rows, floor);
            Candidate c = best == null || best.meanSteps() >= steps
                    ? new Candidate(m, 0f, full, steps)
                    : new Candidate(m, best.threshold(), best.accuracy(), best.meanSteps());
            candidates.add(c);
            // ascending minimums and a strict comparison: ties keep the smaller minimum
            if (c.threshold() > 0f && (chosen == null || c.meanSteps() < chosen.meanSteps())) {
                chosen = c;
                chosenTable = rows;
            }
        }
        if (chosen == null) {
            List<EarlyExitSettings.Row> rows = options[0] == 1 ? firstTable : table(scores, labels, thresholds, 1);
            return new Result(0f, 1, full, steps, full, tolerancePoints, scores.length, rows, candidates);
        }
        return new Result(chosen.threshold(), chosen.minSteps(), chosen.accuracy(), chosen.meanSteps(), full,
                tolerancePoints, scores.length, chosenTable, candidates);
    }

    /** {@link #calibrate} over {@link #DEFAULT_THRESHOLDS} and {@link #DEFAULT_MIN_STEPS}, 1-point tolerance. */
    public static Result calibrate(float[][][] scores, int[] labels) {
        return calibrate(scores, labels, DEFAULT_THRESHOLDS, DEFAULT_TOLERANCE_POINTS);
    }

    /** Fewest mean steps with accuracy ≥ floor; ties: the higher accuracy, then the higher τ. Null if none. */
    private static EarlyExitSettings.Row bestWithin(List<EarlyExitSettings.Row> rows, double floor) {
        EarlyExitSettings.Row best = null;
        for (EarlyExitSettings.Row r : rows) {
            if (r.accuracy() < floor) {
                continue;
            }
            if (best == null || r.meanSteps() < best.meanSteps()
                    || (r.meanSteps() == best.meanSteps() && (r.accuracy() > best.accuracy()
                    || (r.accuracy() == best.accuracy() && r.threshold() > best.threshold())))) {
                best = r;
            }
        }
        return best;
    }

    private static void checkMinSteps(int minSteps) {
        if (minSteps < 1) {
            throw new IllegalArgumentException("minimum step count " + minSteps + " must be at least 1");
        }
    }

    /**
     * Per-step mean γ of a model: for each step t the mean over spiking layers of the mean |γ| over that
     * layer's channels (each layer weighs the same, whatever its width). The magnitude is used because a
     * BN scale of either sign moves the membrane by |γ|.
     */
    public static float[] meanGammaPerStep(BnntModel model) {
        ModelSpec spec = model.spec();
        float[] out = new float[spec.timesteps()];
        int layers = 0;
        for (int l : spec.weightedLayers()) {
            if (!spec.spiking(l)) {
                continue;
            }
            layers++;
            for (int t = 0; t < spec.timesteps(); t++) {
                float[] g = model.params().gamma(l, t);
                double sum = 0;
                for (float v : g) {
                    sum += Math.abs(v);
                }
                out[t] += (float) (sum / g.length);
            }
        }
        if (layers > 0) {
            for (int t = 0; t < out.length; t++) {
                out[t] /= layers;
            }
        }
        return out;
    }

    /**
     * BNTT's data-set-level exit step. Rule: the smallest s in 1..T−1 such that the mean γ of every later
     * step (0-based steps s..T−1) is below {@code threshold} — the steps skipped are exactly the ones whose
     * BN passes little input on. Returns s (run s steps), or 0 (disabled) when the last step's mean γ is
     * not below the threshold.
     */
    public static int gammaExitStep(float[] meanGammaPerStep, float threshold) {
        int steps = meanGammaPerStep.length;
        int s = steps;
        while (s > 1 && meanGammaPerStep[s - 1] < threshold) {
            s--;
        }
        return s >= steps ? 0 : s;
    }

    private static int check(float[][][] scores, int[] labels) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(scores.length + " score rows but " + labels.length + " labels");
        }
        if (scores.length == 0) {
            return 1;
        }
        int steps = scores[0].length;
        if (steps == 0) {
            throw new IllegalArgumentException("sample 0 has no steps");
        }
        for (int s = 0; s < scores.length; s++) {
            if (scores[s].length != steps) {
                throw new IllegalArgumentException("sample " + s + " has " + scores[s].length + " steps, sample 0 has "
                        + steps);
            }
            int classes = scores[s][0].length;
            if (labels[s] < 0 || labels[s] >= classes) {
                throw new IllegalArgumentException("sample " + s + ": label " + labels[s] + " outside 0.." + (classes - 1));
            }
        }
        return steps;
    }
}

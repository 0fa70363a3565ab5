package io.spikestream.trainer.eval;

import io.spikestream.snn.BnntModel;
import io.spikestream.snn.EarlyExitSettings;
import io.spikestream.snn.exit.ExitCalibration;
import io.spikestream.snn.exit.ExitMetrics;
import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.data.FramedSet;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * A model's accuracy on a framed set: after every step, under early exit at the model's τ and over
 * a τ grid, under BNTT's γ exit step, and the confusion matrix at T.
 *
 * @param accuracyByStep accuracy after 1..T steps
 * @param exit accuracy and mean steps at the model's calibrated τ and minimum step count (τ = 0: every
 *     sample runs T steps)
 * @param minSteps the model's minimum step count before a confidence exit, used for {@code exit} and {@code table}
 * @param table τ → accuracy and mean steps over {@link Calibrator#THRESHOLDS}
 * @param gammaExitStep the model's γ exit step (0 = none) and {@code gammaExitAccuracy} the accuracy there
 * @param confusion {@code [label][predicted]} counts at T
 */
public record Evaluation(int samples, float accuracy, float[] accuracyByStep, EarlyExitSettings.Row exit,
        int minSteps, List<EarlyExitSettings.Row> table, int gammaExitStep, float gammaExitAccuracy, int[][] confusion) {

    public static Evaluation of(BnntModel model, FramedSet set, Backend backend, int batch, IntConsumer progress) {
        return of(model, Evaluator.scores(model, set, backend, batch, progress), set.labels());
    }

    public static Evaluation of(BnntModel model, float[][][] scores, int[] labels) {
        int t = model.spec().timesteps();
        int k = model.spec().numClasses();
        float[] byStep = ExitCalibration.accuracyByStep(scores, labels);
        float tau = model.earlyExit().confidenceThreshold();
        int minSteps = model.earlyExit().minSteps();
        EarlyExitSettings.Row exit = tau > 0 ? ExitCalibration.evaluate(scores, labels, tau, minSteps)
                : new EarlyExitSettings.Row(0f, byStep.length == 0 ? 0f : byStep[t - 1], t);
        List<EarlyExitSettings.Row> table = ExitCalibration.table(scores, labels, Calibrator.THRESHOLDS,
                minSteps);
        int g = model.earlyExit().gammaExitStep();
        float gAcc = g > 0 ? byStep[g - 1] : byStep[t - 1];
        int[][] confusion = new int[k][k];
        for (int s = 0; s < scores.length; s++) {
            confusion[labels[s]][ExitMetrics.argmax(scores[s][t - 1])]++;
        }
        return new Evaluation(scores.length, byStep[t - 1], byStep, exit, minSteps, table, g, gAcc, confusion);
    }
}

package io.spikestream.trainer.eval;

import io.spikestream.snn.BnntModel;
import io.spikestream.snn.EarlyExitSettings;
import io.spikestream.snn.exit.ExitCalibration;
import io.spikestream.snn.exit.ExitMetrics;
import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.data.FramedSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Early-exit calibration on held-out data, for the end of a training run, {@code model calibrate}
 * and the τ grid of {@code eval}'s table: the τ and minimum step count (1, 2 or 3) with the fewest
 * mean steps whose accuracy stays within 1 point of full-T accuracy, BNTT's γ exit step, and the
 * accuracy after every step recorded in the provenance.
 */
public final class Calibrator {
    /**
     * The τ grid: snn's default grid refined towards 1, because the softmax of a mean readout
     * trained to convergence is very confident and the useful thresholds crowd there.
     */
    public static final float[] THRESHOLDS = thresholds();

    private Calibrator() {
    }

    private static float[] thresholds() {
        TreeSet<Float> set = new TreeSet<>();
        for (float f : ExitCalibration.DEFAULT_THRESHOLDS) {
            set.add(f);
        }
        for (float f : new float[] {0.996f, 0.997f, 0.998f, 0.9985f, 0.999f, 0.9993f, 0.9995f, 0.9998f, 0.9999f}) {
            set.add(f);
        }
        return toArray(set);
    }

    private static float[] toArray(TreeSet<Float> set) {
        float[] out = new float[set.size()];
        int i = 0;
        for (float f : set) {
            out[i++] = f;
        }
        return out;
    }

    /**
     * The τ values worth trying on these scores: the grid plus the midpoints between consecutive
     * distinct confidences the samples reach (from 0.5 up). Mean steps and accuracy only change
     * when τ crosses a reached confidence, so this finds the τ with the fewest mean steps within
     * the tolerance exactly, where a fixed grid can step over it; midpoints keep a margin on both
     * sides instead of sitting on one sample's confidence.
     */
    static float[] candidateThresholds(float[][][] scores) {
        TreeSet<Float> reached = new TreeSet<>();
        for (float[][] sample : scores) {
            for (float[] step : sample) {
                float c = ExitMetrics.confidence(step);
                if (c >= 0.5f && c < 1f) {
                    reached.add(c);
                }
            }
        }
        TreeSet<Float> out = new TreeSet<>();
        for (float f : THRESHOLDS) {
            out.add(f);
        }
        Float prev = null;
        for (float c : reached) {
            if (prev != null) {
                float mid = (prev + c) / 2f;
                if (mid > prev && mid < c) {
                    out.add(mid);
                }
            }
            prev = c;
        }
        return toArray(out);
    }

    /**
     * The model with its early exit calibrated on {@code heldOut} (τ searched over {@link
     * #candidateThresholds}; the stored table is the fixed grid at the chosen minimum plus the
     * chosen row) and the accuracy after every step in its provenance. The search's result per
     * minimum step count and the choice go to {@code log}.
     */
    public static BnntModel calibrate(BnntModel model, FramedSet heldOut, Backend be, int batch, Consumer<String> log) {
        float[][][] scores = Evaluator.scores(model, heldOut, be, batch, x -> { });
        int[] labels = heldOut.labels();
        float[] byStep = ExitCalibration.accuracyByStep(scores, labels);
        ExitCalibration.Result cal = ExitCalibration.calibrate(scores, labels, candidateThresholds(scores),
                ExitCalibration.DEFAULT_TOLERANCE_POINTS);
        float[] gammas = ExitCalibration.meanGammaPerStep(model);
        int gammaStep = ExitCalibration.gammaExitStep(gammas, ExitCalibration.DEFAULT_GAMMA_THRESHOLD);
        List<EarlyExitSettings.Row> table = new ArrayList<>(ExitCalibration.table(scores, labels, THRESHOLDS,
                cal.minSteps()));
        if (cal.threshold() > 0) {
            table.add(new EarlyExitSettings.Row(cal.threshold(), cal.accuracy(), cal.meanSteps()));
            table.sort(Comparator.comparingDouble(EarlyExitSettings.Row::threshold));
        }
        cal = cal.withTable(table);
        for (ExitCalibration.Candidate c : cal.candidates()) {
            log.accept(String.format(Locale.ROOT, "  min steps %d: %s", c.minSteps(), c.threshold() > 0
                    ? String.format(Locale.ROOT, "tau %.5f -> accuracy %.2f %% in %.2f steps", c.threshold(),
                            100 * c.accuracy(), c.meanSteps())
                    : "no tau beats full T within the tolerance"));
        }
        log.accept(String.format(Locale.ROOT,
                "early exit calibrated on %d held-out samples: tau %.5f from step %d -> accuracy %.2f %% in %.2f of"
                        + " %d steps (full T %.2f %%); BNTT gamma exit step %s",
                labels.length, cal.threshold(), cal.minSteps(), 100 * cal.accuracy(), cal.meanSteps(),
                model.spec().timesteps(), 100 * cal.fullAccuracy(), gammaStep == 0 ? "none" : String.valueOf(gammaStep)));
        return new BnntModel("", model.spec(), model.params(),
                cal.toSettings(gammaStep, ExitCalibration.DEFAULT_GAMMA_THRESHOLD),
                model.provenance().toBuilder().accuracyByStep(byStep).build());
    }
}

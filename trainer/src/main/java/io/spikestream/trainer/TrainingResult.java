package io.spikestream.trainer;

import io.spikestream.snn.BnntModel;
import java.nio.file.Path;

/**
 * What a {@link TrainingRun} reports.
 *
 * @param bestAccuracy       the best validation accuracy at T (−1 without a validation split)
 * @param epochs             epochs run (from epoch 1, a resumed run's earlier ones included)
 * @param model              the checkpoint as written: best epoch, calibrated, with provenance
 * @param accuracyByStep     the calibration's accuracy after every step (empty without validation)
 * @param backendDescription what backend selection took, and why
 * @param epochsRequested    the configured epoch count (the maximum under a time budget)
 * @param stoppedByBudget    whether the budget's safety stop ended the run before the planned epochs
 * @param framingSeconds     opening, reading (emulating) and framing the data
 * @param seconds            the whole run, calibration included
 */
public record TrainingResult(float bestAccuracy, int epochs, double samplesPerSecond, Path checkpoint, BnntModel model,
        float[] accuracyByStep, String backendDescription, int epochsRequested, boolean stoppedByBudget,
        double framingSeconds, double seconds) {
}

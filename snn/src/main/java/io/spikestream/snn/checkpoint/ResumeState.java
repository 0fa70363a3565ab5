package io.spikestream.snn.checkpoint;

import java.util.List;

/**
 * What a training run needs besides the model to continue exactly where it stopped; stored in the
 * checkpoints written for {@code --resume}.
 *
 * @param epochsDone          epochs completed
 * @param momentum            the optimiser's momentum buffers, one per weight and γ tensor in parameter order
 *                            (weight, then γ, per weighted layer); the arrays are not copied
 * @param budgetPlannedEpochs when a time budget set the run's epoch count: that count, which the learning-rate
 *                            schedule follows (a resumed run must use it); 0 when the run had no time budget
 */
public record ResumeState(int epochsDone, List<float[]> momentum, int budgetPlannedEpochs) {
    public ResumeState {
        if (epochsDone < 0 || budgetPlannedEpochs < 0) {
            throw new IllegalArgumentException("resume state: epochs done " + epochsDone + " and planned epochs "
                    + budgetPlannedEpochs + " must not be negative");
        }
        momentum = List.copyOf(momentum);
    }
}

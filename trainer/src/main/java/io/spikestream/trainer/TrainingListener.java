package io.spikestream.trainer;

/** Progress of a {@link TrainingRun} (stderr in the command): the trainer's callbacks plus log lines. */
public interface TrainingListener extends Trainer.Listener {
    /** One line of the run's log (data, model, backend, budget, calibration). */
    default void message(String line) {
    }

    /** Samples framed so far of {@code total}; called from the framing threads. */
    default void framingProgress(int done, int total) {
    }
}

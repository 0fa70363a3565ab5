package io.spikestream.trainer;

import io.spikestream.trainer.data.Augmentation;
import java.time.Duration;

/**
 * Optimisation settings (DESIGN.md §3: SGD momentum 0.9, weight decay 1e-4, learning rate ÷10 at
 * 50 %, 70 % and 90 % of the epochs).
 *
 * @param epochs        epochs to run; with a time budget, the most epochs to run
 * @param loaderThreads threads that assemble (and augment) batches ahead of the training loop
 * @param timeBudget    wall-clock budget of the run, or null for none: after the first epoch the
 *                      {@link Trainer} lowers {@code epochs} to what fits (see {@link Trainer#run})
 */
public record TrainConfig(int epochs, int batchSize, float learningRate, float momentum, float weightDecay, long seed,
        Augmentation augmentation, int loaderThreads, Duration timeBudget) {

    public static final float MOMENTUM = 0.9f;
    public static final float WEIGHT_DECAY = 1e-4f;

    public TrainConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 2) {
            throw new IllegalArgumentException("batch size must be at least 2 (batch statistics), got " + batchSize);
        }
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
        }
        if (loaderThreads < 1) {
            throw new IllegalArgumentException("loader threads must be at least 1, got " + loaderThreads);
        }
        if (timeBudget != null && (timeBudget.isNegative() || timeBudget.isZero())) {
            throw new IllegalArgumentException("time budget must be positive, got " + timeBudget);
        }
        augmentation = augmentation == null ? Augmentation.NONE : augmentation;
    }

    /** Without a time budget. */
    public TrainConfig(int epochs, int batchSize, float learningRate, float momentum, float weightDecay, long seed,
            Augmentation augmentation, int loaderThreads) {
        this(epochs, batchSize, learningRate, momentum, weightDecay, seed, augmentation, loaderThreads, null);
    }

    /** The same settings for another epoch count (the learning-rate schedule follows it). */
    public TrainConfig withEpochs(int n) {
        return new TrainConfig(n, batchSize, learningRate, momentum, weightDecay, seed, augmentation, loaderThreads,
                timeBudget);
    }

    /** The learning rate of epoch {@code epoch} (0-based): ÷10 at each of 50 %, 70 %, 90 % of the epochs. */
    public float learningRateAt(int epoch) {
        float lr = learningRate;
        for (double f : new double[] {0.5, 0.7, 0.9}) {
            if (epoch >= (int) Math.round(f * epochs)) {
                lr *= 0.1f;
            }
        }
        return lr;
    }
}

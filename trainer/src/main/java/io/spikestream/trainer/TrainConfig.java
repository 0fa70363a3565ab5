package io.spikestream.trainer;

import io.spikestream.trainer.data.Augmentation;

/**
 * Optimisation settings (DESIGN.md §3: SGD momentum 0.9, weight decay 1e-4, learning rate ÷10 at
 * 50 %, 70 % and 90 % of the epochs).
 *
 * @param loaderThreads threads that assemble (and augment) batches ahead of the training loop
 */
public record TrainConfig(int epochs, int batchSize, float learningRate, float momentum, float weightDecay, long seed,
        Augmentation augmentation, int loaderThreads) {

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
        augmentation = augmentation == null ? Augmentation.NONE : augmentation;
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

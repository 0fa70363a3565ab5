package io.spikestream.trainer;

import io.spikestream.trainer.data.Augmentation;
import java.time.Duration;

/**
 * Optimisation settings: SGD with momentum 0.9 and weight decay 1e-4, the learning rate divided by
 * 10 at 50 %, 70 % and 90 % of the epochs.
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

    /** Momentum {@link #MOMENTUM}, weight decay {@link #WEIGHT_DECAY}, no augmentation, one loader thread, no budget. */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().epochs(epochs).batchSize(batchSize).learningRate(learningRate).momentum(momentum)
                .weightDecay(weightDecay).seed(seed).augmentation(augmentation).loaderThreads(loaderThreads)
                .timeBudget(timeBudget);
    }

    /** The same settings for another epoch count (the learning-rate schedule follows it). */
    public TrainConfig withEpochs(int n) {
        return toBuilder().epochs(n).build();
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

    /** Builds a {@link TrainConfig}; the checks are the record's. */
    public static final class Builder {
        private int epochs = 60;
        private int batchSize = 32;
        private float learningRate = 0.1f;
        private float momentum = MOMENTUM;
        private float weightDecay = WEIGHT_DECAY;
        private long seed = 42;
        private Augmentation augmentation = Augmentation.NONE;
        private int loaderThreads = 1;
        private Duration timeBudget;

        private Builder() {
        }

        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder learningRate(float v) {
            learningRate = v;
            return this;
        }

        public Builder momentum(float v) {
            momentum = v;
            return this;
        }

        public Builder weightDecay(float v) {
            weightDecay = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder augmentation(Augmentation v) {
            augmentation = v;
            return this;
        }

        public Builder loaderThreads(int v) {
            loaderThreads = v;
            return this;
        }

        /** Null for none. */
        public Builder timeBudget(Duration v) {
            timeBudget = v;
            return this;
        }

        public TrainConfig build() {
            return new TrainConfig(epochs, batchSize, learningRate, momentum, weightDecay, seed, augmentation,
                    loaderThreads, timeBudget);
        }
    }
}

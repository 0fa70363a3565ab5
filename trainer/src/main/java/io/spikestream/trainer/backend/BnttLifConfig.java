package io.spikestream.trainer.backend;

/**
 * Constants of the fused BNTT + leaky integrate-and-fire step.
 *
 * @param timesteps T: tensors handed to the fused step are [T·B, C, ...], time-major
 * @param leak membrane leak λ
 * @param threshold firing threshold θ
 * @param eps batch-norm ε
 * @param momentum running-statistics momentum (PyTorch convention: new = (1 − m)·old + m·batch)
 * @param spike the spike function and its gradient
 */
public record BnttLifConfig(int timesteps, float leak, float threshold, float eps, float momentum, SpikeFunction spike) {
    public BnttLifConfig {
        if (timesteps <= 0) {
            throw new IllegalArgumentException("timesteps must be positive, got " + timesteps);
        }
        if (!(threshold > 0)) {
            throw new IllegalArgumentException("threshold must be positive, got " + threshold);
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("bn eps must be positive, got " + eps);
        }
    }
}

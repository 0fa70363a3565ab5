package io.spikestream.trainer.data;

/**
 * Training-time augmentation of a whole sample (the same transform for all its T frames):
 * a horizontal flip with probability ½ and a roll (cyclic shift, like {@code torch.roll}) by up to
 * {@code maxRoll} pixels in x and y.
 */
public record Augmentation(boolean flip, int maxRoll) {
    public static final Augmentation NONE = new Augmentation(false, 0);

    public Augmentation {
        if (maxRoll < 0 || maxRoll > 64) {
            throw new IllegalArgumentException("roll " + maxRoll + " outside 0..64 pixels");
        }
    }

    public boolean active() {
        return flip || maxRoll > 0;
    }

    @Override
    public String toString() {
        return active() ? (flip ? "flip" : "") + (flip && maxRoll > 0 ? "+" : "") + (maxRoll > 0 ? "roll" + maxRoll : "") : "none";
    }
}

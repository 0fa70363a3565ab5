package io.spikestream.snn;

/** Shape of one network input frame: channels × height × width (2 polarity channels for DVS frames). */
public record InputShape(int channels, int height, int width) {

    public InputShape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "input shape " + channels + "x" + height + "x" + width + " must be positive in every dimension");
        }
        if ((long) channels * height * width > Integer.MAX_VALUE / 16) {
            throw new IllegalArgumentException("input shape " + channels + "x" + height + "x" + width + " is too large");
        }
    }

    /** Number of values in one frame. */
    public int size() {
        return channels * height * width;
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}

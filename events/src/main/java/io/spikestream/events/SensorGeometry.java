package io.spikestream.events;

/**
 * Pixel array size of an event sensor. Valid coordinates are {@code 0 <= x < width} and
 * {@code 0 <= y < height}.
 */
public record SensorGeometry(int width, int height) {

    /** Largest side we accept: addresses are packed into 16 bits per axis on the wire. */
    public static final int MAX_SIDE = 1 << 16;

    public static final SensorGeometry DVS128 = new SensorGeometry(128, 128);
    public static final SensorGeometry NMNIST = new SensorGeometry(34, 34);

    public SensorGeometry {
        if (width < 1 || width > MAX_SIDE || height < 1 || height > MAX_SIDE) {
            throw new IllegalArgumentException(
                    "sensor geometry " + width + "x" + height + " outside 1.." + MAX_SIDE + " per side");
        }
    }

    public boolean contains(int x, int y) {
        return x >= 0 && x < width && y >= 0 && y < height;
    }

    @Override
    public String toString() {
        return width + "x" + height;
    }
}

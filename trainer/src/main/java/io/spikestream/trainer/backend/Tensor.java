package io.spikestream.trainer.backend;

/**
 * A float32 buffer owned by a {@link Backend} (host memory for the CPU backend, device memory for
 * CUDA), row-major, with a fixed shape. Closing frees the memory; closing a view from
 * {@link Backend#reshape} does nothing (its base owns the memory).
 */
public interface Tensor extends AutoCloseable {
    int[] shape();

    /** Number of values (the product of the shape). */
    long size();

    /** Dimension {@code i} of the shape. */
    default int dim(int i) {
        return shape()[i];
    }

    @Override
    void close();

    /** The product of a shape, checked against int overflow of any single dimension. */
    static long sizeOf(int... shape) {
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] <= 0) {
                throw new IllegalArgumentException("shape dimension " + i + " is " + shape[i] + " (must be positive)");
            }
            n *= shape[i];
        }
        return n;
    }
}

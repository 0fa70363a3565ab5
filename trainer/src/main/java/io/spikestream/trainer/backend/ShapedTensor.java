package io.spikestream.trainer.backend;

import java.util.Arrays;

/**
 * What every backend's tensor has in common: a fixed shape, checked once, and a name in messages.
 * Subclasses hold the memory and decide what closing means.
 */
public abstract class ShapedTensor implements Tensor {
    private final int[] shape;
    private final long size;

    protected ShapedTensor(int[] shape) {
        this.size = Tensor.sizeOf(shape);
        this.shape = shape.clone();
    }

    @Override
    public final int[] shape() {
        return shape.clone();
    }

    @Override
    public final int dim(int i) {
        return shape[i];
    }

    @Override
    public final long size() {
        return size;
    }

    /** The name in messages, followed by the shape. */
    protected String label() {
        return "Tensor";
    }

    @Override
    public String toString() {
        return label() + Arrays.toString(shape);
    }
}

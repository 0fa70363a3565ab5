package io.spikestream.trainer.backend.reference;

import io.spikestream.trainer.backend.Tensor;
import java.util.Arrays;

/** A tensor of the {@link ReferenceBackend}: a Java array (views share it). */
final class HostTensor implements Tensor {
    final float[] data;
    private final int[] shape;

    HostTensor(float[] data, int[] shape) {
        this.data = data;
        this.shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public int dim(int i) {
        return shape[i];
    }

    @Override
    public long size() {
        return Tensor.sizeOf(shape);
    }

    @Override
    public void close() {
        // garbage collected
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}

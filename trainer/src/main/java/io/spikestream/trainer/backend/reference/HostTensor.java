package io.spikestream.trainer.backend.reference;

import io.spikestream.trainer.backend.ShapedTensor;

/** A tensor of the {@link ReferenceBackend}: a Java array (views share it). */
final class HostTensor extends ShapedTensor {
    final float[] data;

    HostTensor(float[] data, int[] shape) {
        super(shape);
        this.data = data;
    }

    @Override
    public void close() {
        // garbage collected
    }
}

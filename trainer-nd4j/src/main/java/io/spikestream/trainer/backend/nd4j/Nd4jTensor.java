package io.spikestream.trainer.backend.nd4j;

import io.spikestream.trainer.backend.ShapedTensor;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** An off-heap ND4J array plus a direct float view of the same memory for the Java loops. */
final class Nd4jTensor extends ShapedTensor {
    final INDArray array;
    final FloatBuffer buf;
    private final boolean view;
    private boolean closed;
    private FloatPointer ptr;

    Nd4jTensor(INDArray array, int[] shape, boolean view) {
        super(shape);
        this.array = array;
        this.view = view;
        this.buf = array.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
        if (buf.capacity() < size()) {
            throw new IllegalStateException("ND4J buffer holds " + buf.capacity() + " floats, shape needs " + size());
        }
    }

    /** The same memory as a native pointer (for direct BLAS calls); made on first use. */
    FloatPointer ptr() {
        if (ptr == null) {
            ptr = new FloatPointer(buf);
        }
        return ptr;
    }

    @Override
    public void close() {
        if (!view && !closed) {
            closed = true;
            array.close();
        }
    }
}

package io.spikestream.trainer.backend.nd4j;

import io.spikestream.trainer.backend.Tensor;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** An off-heap ND4J array plus a direct float view of the same memory for the Java loops. */
final class Nd4jTensor implements Tensor {
    final INDArray array;
    final FloatBuffer buf;
    private final int[] shape;
    private final long size;
    private final boolean view;
    private boolean closed;
    private FloatPointer ptr;

    Nd4jTensor(INDArray array, int[] shape, boolean view) {
        this.array = array;
        this.shape = shape.clone();
        this.size = Tensor.sizeOf(shape);
        this.view = view;
        this.buf = array.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
        if (buf.capacity() < size) {
            throw new IllegalStateException("ND4J buffer holds " + buf.capacity() + " floats, shape needs " + size);
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
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public int dim(int i) {
        return shape[i];
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void close() {
        if (!view && !closed) {
            closed = true;
            array.close();
        }
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}

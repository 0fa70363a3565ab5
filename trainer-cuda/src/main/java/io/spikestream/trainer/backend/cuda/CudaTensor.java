package io.spikestream.trainer.backend.cuda;

import io.spikestream.trainer.backend.Tensor;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A float32 tensor in device memory. Closing returns the memory to the backend's caching
 * allocator (views from {@code reshape} share their base's memory and close as a no-op).
 */
final class CudaTensor implements Tensor {
    private final CudaBackend owner;
    final DeviceAllocator.Block block;
    final FloatPointer ptr;
    private final int[] shape;
    private final long size;
    private final boolean view;
    private boolean closed;

    CudaTensor(CudaBackend owner, DeviceAllocator.Block block, int[] shape, boolean view) {
        this.owner = owner;
        this.block = block;
        this.ptr = new FloatPointer(block.ptr());
        this.shape = shape.clone();
        this.size = Tensor.sizeOf(shape);
        this.view = view;
    }

    CudaBackend owner() {
        return owner;
    }

    long address() {
        if (closed) {
            throw new IllegalStateException("tensor " + this + " is closed");
        }
        return block.address();
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
            owner.release(block);
        }
    }

    @Override
    public String toString() {
        return "CudaTensor" + Arrays.toString(shape);
    }
}

package io.spikestream.trainer.backend.cuda;

import io.spikestream.trainer.backend.ShapedTensor;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A float32 tensor in device memory. Closing returns the memory to the backend's caching
 * allocator (views from {@code reshape} share their base's memory and close as a no-op).
 */
final class CudaTensor extends ShapedTensor {
    private final CudaBackend owner;
    final DeviceAllocator.Block block;
    final FloatPointer ptr;
    private final boolean view;
    private boolean closed;

    CudaTensor(CudaBackend owner, DeviceAllocator.Block block, int[] shape, boolean view) {
        super(shape);
        this.owner = owner;
        this.block = block;
        this.ptr = new FloatPointer(block.ptr());
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
    public void close() {
        if (!view && !closed) {
            closed = true;
            owner.release(block);
        }
    }

    @Override
    protected String label() {
        return "CudaTensor";
    }
}

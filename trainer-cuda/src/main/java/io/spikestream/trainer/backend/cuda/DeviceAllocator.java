package io.spikestream.trainer.backend.cuda;

import static io.spikestream.trainer.backend.cuda.CudaRuntime.check;
import static org.bytedeco.cuda.global.cudart.cudaErrorMemoryAllocation;
import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaGetLastError;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;
import static org.bytedeco.cuda.global.cudart.cudaSuccess;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;

/**
 * A caching device allocator: freed blocks go to a free list per rounded size and are handed out
 * again, so that the same shapes batch after batch never call {@code cudaMalloc}/{@code cudaFree}
 * (which synchronise the device). Blocks are only used on the backend's one stream, so a block
 * released while kernels that use it are still queued is safe to reuse: later work on the same
 * stream runs after them. Not thread-safe (the backend is used from one thread at a time).
 */
final class DeviceAllocator implements AutoCloseable {
    /** A device allocation of {@code bytes} (the rounded size). */
    record Block(Pointer ptr, long bytes) {
        long address() {
            return ptr.address();
        }
    }

    private final Map<Long, ArrayDeque<Block>> free = new HashMap<>();
    private final List<Block> all = new ArrayList<>();
    private long inUse;
    private long cached;
    private long peak;
    private long mallocs;

    /** Sizes up to 1 MiB round up to 512 bytes, larger ones to whole MiB. */
    static long round(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("allocation of " + bytes + " bytes");
        }
        long unit = bytes <= (1L << 20) ? 512 : 1L << 20;
        return (bytes + unit - 1) / unit * unit;
    }

    Block allocate(long bytes) {
        long size = round(bytes);
        ArrayDeque<Block> list = free.get(size);
        Block b = list == null ? null : list.poll();
        if (b != null) {
            cached -= size;
        } else {
            b = new Block(malloc(size), size);
            all.add(b);
        }
        inUse += size;
        peak = Math.max(peak, inUse);
        return b;
    }

    private Pointer malloc(long size) {
        Pointer p = new Pointer();
        int rc = cudaMalloc(p, size);
        if (rc == cudaErrorMemoryAllocation && cached > 0) {
            cudaGetLastError(); // clear the sticky-free error state before retrying
            trim();
            p = new Pointer();
            rc = cudaMalloc(p, size);
        }
        if (rc != cudaSuccess) {
            cudaGetLastError();
            check(rc, "cudaMalloc of " + size + " bytes (in use " + inUse + ", cached " + cached + ")");
        }
        mallocs++;
        return p;
    }

    void release(Block b) {
        inUse -= b.bytes();
        cached += b.bytes();
        free.computeIfAbsent(b.bytes(), k -> new ArrayDeque<>()).push(b);
    }

    /** Frees every cached block (synchronises the device). */
    void trim() {
        for (ArrayDeque<Block> list : free.values()) {
            for (Block b : list) {
                cudaFree(b.ptr());
                all.remove(b);
            }
        }
        free.clear();
        cached = 0;
    }

    long bytesInUse() {
        return inUse;
    }

    long bytesCached() {
        return cached;
    }

    long peakBytes() {
        return peak;
    }

    /** Number of real {@code cudaMalloc} calls so far (tests: steady state makes none). */
    long mallocCount() {
        return mallocs;
    }

    /** Frees every block, also those of tensors still open (the backend is going away). */
    @Override
    public void close() {
        for (Block b : all) {
            cudaFree(b.ptr());
        }
        all.clear();
        free.clear();
        cached = 0;
        inUse = 0;
    }
}

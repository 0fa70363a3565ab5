package io.spikestream.trainer.backend.cuda;

import static io.spikestream.trainer.backend.cuda.CudaRuntime.check;
import static org.bytedeco.cuda.global.cudart.cudaEventCreateWithFlags;
import static org.bytedeco.cuda.global.cudart.cudaEventDestroy;
import static org.bytedeco.cuda.global.cudart.cudaEventDisableTiming;
import static org.bytedeco.cuda.global.cudart.cudaEventRecord;
import static org.bytedeco.cuda.global.cudart.cudaEventSynchronize;
import static org.bytedeco.cuda.global.cudart.cudaFreeHost;
import static org.bytedeco.cuda.global.cudart.cudaMallocHost;

import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.Pointer;

/**
 * A reusable page-locked host buffer for asynchronous host-to-device copies. Pinned memory makes
 * {@code cudaMemcpyAsync} a real DMA that returns at once (from pageable memory the driver stages
 * the copy and may wait on the stream). The buffer is rewritten only after the copy that last read
 * it has finished (an event recorded behind it), so the host never waits for more than that copy.
 * Freed explicitly ({@code cudaMallocHost} memory is not the collector's).
 */
final class PinnedStaging implements AutoCloseable {
    private final String what;
    private final CUevent_st copied = new CUevent_st();
    private Pointer host;
    private long capacity;

    PinnedStaging(String what) {
        this.what = what;
        check(cudaEventCreateWithFlags(copied, cudaEventDisableTiming), "cudaEventCreateWithFlags (" + what + " staging)");
    }

    /** The buffer, at least {@code bytes} long, once the previous copy out of it has finished. */
    Pointer acquire(long bytes) {
        check(cudaEventSynchronize(copied), "cudaEventSynchronize (" + what + " staging)");
        if (capacity < bytes) {
            free();
            Pointer p = new Pointer();
            check(cudaMallocHost(p, bytes), "cudaMallocHost of " + bytes + " bytes (" + what + " staging)");
            host = p;
            capacity = bytes;
        }
        return host;
    }

    /** Marks the copy just queued on {@code stream} as the buffer's reader. */
    void queued(CUstream_st stream) {
        check(cudaEventRecord(copied, stream), "cudaEventRecord (" + what + " staging)");
    }

    private void free() {
        if (host != null) {
            cudaFreeHost(host);
            host = null;
            capacity = 0;
        }
    }

    @Override
    public void close() {
        cudaEventSynchronize(copied);
        free();
        cudaEventDestroy(copied);
    }
}

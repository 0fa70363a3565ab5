package io.spikestream.trainer.backend.cuda;

import io.spikestream.trainer.backend.reference.ReferenceKernels;
import static io.spikestream.trainer.backend.cuda.CudaRuntime.check;
import static org.bytedeco.cuda.global.cudart.cudaEventCreateWithFlags;
import static org.bytedeco.cuda.global.cudart.cudaEventDestroy;
import static org.bytedeco.cuda.global.cudart.cudaEventDisableTiming;
import static org.bytedeco.cuda.global.cudart.cudaEventRecord;
import static org.bytedeco.cuda.global.cudart.cudaEventSynchronize;
import static org.bytedeco.cuda.global.cudart.cudaFreeHost;
import static org.bytedeco.cuda.global.cudart.cudaMallocHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;

import io.spikestream.trainer.backend.Backend;
import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Per-sample losses on their way back from the device without stopping the stream: each loss gets
 * a slot (pinned buffer + event) in a small ring; the copy is queued behind the loss kernel and the
 * host waits only when the value is asked for. A slot about to be reused first settles the loss it
 * still holds, so every {@link Backend.Loss} handed out stays readable (until the backend closes).
 */
final class LossReadback implements AutoCloseable {
    private static final int SLOTS = 4;

    private final Slot[] slots = new Slot[SLOTS];
    private int next;

    private static final class Slot {
        final CUevent_st copied = new CUevent_st();
        DoublePointer rows;
        long capacity;
        Pending holder;
    }

    /** A loss in a slot; settled (read and reduced) at most once. */
    private final class Pending implements Backend.Loss {
        private final Slot slot;
        private final int batch;
        private boolean settled;
        private float value;

        Pending(Slot slot, int batch) {
            this.slot = slot;
            this.batch = batch;
        }

        @Override
        public float value() {
            if (!settled) {
                check(cudaEventSynchronize(slot.copied), "cudaEventSynchronize (loss read-back)");
                double[] rows = new double[batch];
                slot.rows.get(rows, 0, batch);
                value = ReferenceKernels.meanLoss(rows, batch);
                settled = true;
                slot.holder = null;
            }
            return value;
        }
    }

    LossReadback() {
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = new Slot();
            check(cudaEventCreateWithFlags(slots[i].copied, cudaEventDisableTiming), "cudaEventCreateWithFlags (loss)");
        }
    }

    /** Queues the copy of {@code batch} per-sample losses (doubles at {@code deviceRows}) on {@code stream}. */
    Backend.Loss queue(Pointer deviceRows, int batch, CUstream_st stream) {
        Slot s = slots[next];
        next = (next + 1) % SLOTS;
        if (s.holder != null) {
            s.holder.value(); // settle it before its buffer is overwritten
        }
        if (s.capacity < batch) {
            if (s.rows != null) {
                cudaFreeHost(s.rows);
            }
            Pointer p = new Pointer();
            check(cudaMallocHost(p, (long) batch * Double.BYTES), "cudaMallocHost of " + batch * Double.BYTES + " bytes (loss)");
            s.rows = new DoublePointer(p).capacity(batch).limit(batch);
            s.capacity = batch;
        }
        check(cudaMemcpyAsync(s.rows, deviceRows, (long) batch * Double.BYTES, cudaMemcpyDeviceToHost, stream),
                "cudaMemcpyAsync loss rows");
        check(cudaEventRecord(s.copied, stream), "cudaEventRecord (loss)");
        Pending p = new Pending(s, batch);
        s.holder = p;
        return p;
    }

    /** Settles every loss still held (their values stay readable), then frees the slots. */
    @Override
    public void close() {
        for (Slot s : slots) {
            if (s.holder != null) {
                try {
                    s.holder.value();
                } catch (RuntimeException e) {
                    // the device failed earlier; that error was reported where it happened
                }
            }
            if (s.rows != null) {
                cudaFreeHost(s.rows);
            }
            cudaEventDestroy(s.copied);
        }
    }
}

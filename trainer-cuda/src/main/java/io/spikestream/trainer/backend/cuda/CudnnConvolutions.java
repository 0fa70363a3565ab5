package io.spikestream.trainer.backend.cuda;

import static io.spikestream.trainer.backend.cuda.CudaRuntime.checkCudnn;
import static org.bytedeco.cuda.global.cudnn.cudnnConvolutionBackwardData;
import static org.bytedeco.cuda.global.cudnn.cudnnConvolutionBackwardFilter;
import static org.bytedeco.cuda.global.cudnn.cudnnConvolutionForward;

import io.spikestream.trainer.backend.Tensor;
import org.bytedeco.javacpp.Pointer;

/**
 * The three 3×3 convolutions through cuDNN on the context's stream: the plan of the shape and the
 * algorithm of the direction from {@link ConvPlans}, its math type set on the descriptor, and one
 * workspace for all of them, grown to the largest an algorithm asked for (the old block goes back to
 * the allocator; a later reuse is ordered after the convolutions that used it, same stream).
 * Arguments are checked by {@link CudaBackend}.
 */
final class CudnnConvolutions {
    private final CudaContext c;
    private DeviceAllocator.Block workspace;

    CudnnConvolutions(CudaContext c) {
        this.c = c;
    }

    private static ConvPlans.Key key(Tensor x, Tensor w) {
        return new ConvPlans.Key(x.dim(0), x.dim(1), w.dim(0), x.dim(2), x.dim(3));
    }

    private Pointer workspace(long bytes) {
        if (bytes == 0) {
            return null;
        }
        if (workspace == null || workspace.bytes() < bytes) {
            if (workspace != null) {
                c.allocator.release(workspace);
            }
            workspace = c.allocator.allocate(bytes);
        }
        return workspace.ptr();
    }

    /** {@code y = conv3x3(x, w)}; {@code x} and {@code w} give the shape. */
    void forward(Pointer x, Tensor xShape, Pointer w, Tensor wShape, Pointer y) {
        ConvPlans.Key k = key(xShape, wShape);
        ConvPlans.Plan p = c.convPlans.plan(k);
        ConvPlans.Algo a = c.convPlans.forward(p, k);
        c.convPlans.useMath(p, a);
        checkCudnn(cudnnConvolutionForward(c.cudnn, c.one, p.x, x, p.w, w, p.conv, a.algo(), workspace(a.workspace()),
                a.workspace(), c.zero, p.y, y), "cudnnConvolutionForward " + k);
    }

    /** {@code dx} from {@code dy} and {@code w}; {@code dx} and {@code w} give the shape. */
    void backwardData(Pointer dy, Pointer w, Tensor wShape, Pointer dx, Tensor dxShape) {
        ConvPlans.Key k = key(dxShape, wShape);
        ConvPlans.Plan p = c.convPlans.plan(k);
        ConvPlans.Algo a = c.convPlans.backwardData(p, k);
        c.convPlans.useMath(p, a);
        checkCudnn(cudnnConvolutionBackwardData(c.cudnn, c.one, p.w, w, p.y, dy, p.conv, a.algo(),
                workspace(a.workspace()), a.workspace(), c.zero, p.x, dx), "cudnnConvolutionBackwardData " + k);
    }

    /** {@code dw} (overwritten) from {@code x} and {@code dy}; {@code x} and {@code dw} give the shape. */
    void backwardFilter(Pointer x, Tensor xShape, Pointer dy, Pointer dw, Tensor dwShape) {
        ConvPlans.Key k = key(xShape, dwShape);
        ConvPlans.Plan p = c.convPlans.plan(k);
        ConvPlans.Algo a = c.convPlans.backwardFilter(p, k);
        c.convPlans.useMath(p, a);
        checkCudnn(cudnnConvolutionBackwardFilter(c.cudnn, c.one, p.x, x, p.y, dy, p.conv, a.algo(),
                workspace(a.workspace()), a.workspace(), c.zero, p.w, dw), "cudnnConvolutionBackwardFilter " + k);
    }
}

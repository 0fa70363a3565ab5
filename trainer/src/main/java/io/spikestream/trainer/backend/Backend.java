package io.spikestream.trainer.backend;

/**
 * The compute primitives of BNTT training: everything the model code runs goes through here, so a
 * CUDA implementation slots in without model changes. Tensors are row-major float32 and belong to
 * the backend that made them. Activation tensors are time-major, {@code [T·B, C, H, W]} or
 * {@code [T·B, F]}: weights are shared over time, so each convolution or matrix product runs once
 * over all T steps, and only the fused BNTT+LIF step walks the time axis (inside one call).
 *
 * <p>Conventions: convolutions are 3×3, stride 1, padding 1, no bias, cross-correlation like
 * PyTorch, weights {@code [out, in, 3, 3]}; fully connected weights are {@code [out, in]}.
 * Methods that return a float (the loss) synchronise; everything else may run asynchronously.
 */
public interface Backend extends AutoCloseable {

    /** Short name as used by {@code --backend} ("cpu", "cuda"). */
    String name();

    /** The implementation and library, e.g. "cpu-nd4j" (written into checkpoints). */
    String implementation();

    /** The device, e.g. the CPU model or the GPU name. */
    String device();

    // ---- memory -------------------------------------------------------------------------------

    /** A new zero-filled tensor. */
    Tensor allocate(int... shape);

    /** A new tensor holding a copy of {@code values}. */
    default Tensor upload(float[] values, int... shape) {
        Tensor t = allocate(shape);
        upload(values, t);
        return t;
    }

    /** Copies {@code values} (exactly {@code dst.size()} of them) into {@code dst}. */
    void upload(float[] values, Tensor dst);

    /**
     * Copies frame counts into {@code dst} (exactly {@code dst.size()} of them): each unsigned byte
     * becomes the float 0..255. The input upload at a quarter of the float32 bytes; backends with a
     * device expand on the device. The same values as {@code upload} of the expanded floats.
     */
    default void uploadCounts(byte[] counts, Tensor dst) {
        float[] values = new float[counts.length];
        for (int i = 0; i < counts.length; i++) {
            values[i] = counts[i] & 0xFF;
        }
        upload(values, dst);
    }

    /** Copies {@code src} into {@code dst}, which holds at least {@code src.size()} values. */
    void download(Tensor src, float[] dst);

    default float[] download(Tensor src) {
        float[] out = new float[Math.toIntExact(src.size())];
        download(src, out);
        return out;
    }

    /** A view of {@code t} with another shape of the same size, sharing memory. */
    Tensor reshape(Tensor t, int... shape);

    void fill(Tensor t, float value);

    /** {@code y += alpha·x} (same size). */
    void axpy(float alpha, Tensor x, Tensor y);

    // ---- convolution ----------------------------------------------------------------------------

    /** {@code y[N,O,H,W] = conv3x3(x[N,I,H,W], w[O,I,3,3])}. */
    void conv3x3Forward(Tensor x, Tensor w, Tensor y);

    /** {@code dx[N,I,H,W]} from {@code dy[N,O,H,W]} and {@code w}. */
    void conv3x3BackwardData(Tensor dy, Tensor w, Tensor dx);

    /** {@code dw[O,I,3,3]} (overwritten) from {@code x} and {@code dy}, summed over N. */
    void conv3x3BackwardFilter(Tensor x, Tensor dy, Tensor dw);

    /** Both gradients at once; {@code dx} may be null (input layer). Backends may fuse the two. */
    default void conv3x3Backward(Tensor x, Tensor w, Tensor dy, Tensor dx, Tensor dw) {
        if (dx != null) {
            conv3x3BackwardData(dy, w, dx);
        }
        conv3x3BackwardFilter(x, dy, dw);
    }

    // ---- matrix products ------------------------------------------------------------------------

    /** {@code c[M,N] = a[M,K] · b[N,K]ᵀ} (fully connected forward: x · Wᵀ). */
    void matmulNT(Tensor a, Tensor b, Tensor c);

    /** {@code c[M,K] = a[M,N] · b[N,K]} (fully connected backward-data: dy · W). */
    void matmulNN(Tensor a, Tensor b, Tensor c);

    /** {@code c[N,K] = a[M,N]ᵀ · b[M,K]} (fully connected backward-filter: dyᵀ · x). */
    void matmulTN(Tensor a, Tensor b, Tensor c);

    // ---- the fused BNTT + LIF step over all T steps ---------------------------------------------

    /**
     * For t = 0..T−1 over the time-major pre-activations {@code z[T·B, C, ...]}: BNTT with its own
     * γ and statistics per step (batch statistics and a running-statistics update when training,
     * the running statistics otherwise), then {@code U = λ·U + γ·x̂}, spike, subtractive reset.
     *
     * @param gamma {@code [T, C]}
     * @param runningMean {@code [T, C]}, updated in place when training
     * @param runningVar {@code [T, C]} (unbiased batch variance enters the update), updated in place when training
     * @param xhatOut the normalised input {@code [T·B, C, ...]}; may be {@code z} itself (in place)
     * @param invStdOut {@code [T, C]}: 1/sqrt(var + ε) that was used
     * @param memOut membrane before reset {@code [T·B, C, ...]} (what the surrogate needs)
     * @param spikesOut {@code [T·B, C, ...]}, 0 or 1 (or the smooth stand-in)
     */
    void bnttLifForward(BnttLifConfig cfg, boolean training, Tensor z, Tensor gamma, Tensor runningMean,
            Tensor runningVar, Tensor xhatOut, Tensor invStdOut, Tensor memOut, Tensor spikesOut);

    /**
     * Backward through time of {@link #bnttLifForward} in training mode: from dL/dS for every step
     * to dL/dz, accumulating dL/dγ.
     *
     * @param gradSpikes {@code [T·B, C, ...]}
     * @param gradGamma {@code [T, C]}, accumulated into
     * @param gradZOut {@code [T·B, C, ...]}; may be {@code gradSpikes} itself (in place)
     */
    void bnttLifBackward(BnttLifConfig cfg, Tensor gradSpikes, Tensor mem, Tensor xhat, Tensor invStd,
            Tensor gamma, Tensor gradGamma, Tensor gradZOut);

    // ---- pooling, readout, loss, optimiser ------------------------------------------------------

    /** 2×2 average pooling, stride 2, {@code [N,C,H,W] → [N,C,H/2,W/2]} (odd edges dropped). */
    void avgPool2Forward(Tensor x, Tensor y);

    /** Gradient of {@link #avgPool2Forward}; dropped edges get zero. */
    void avgPool2Backward(Tensor dy, Tensor dx);

    /** {@code out[B,F] = mean over t of x[T·B, F]} (the readout's input average). */
    void timeMean(Tensor x, int timesteps, Tensor out);

    /** {@code dx[t·B + b, f] = dy[b, f] / T} for every t. */
    void timeMeanBackward(Tensor dy, int timesteps, Tensor dx);

    /**
     * Mean softmax cross-entropy over the batch; writes its gradient {@code (softmax − onehot)/B}.
     *
     * @return the loss (synchronises)
     */
    float softmaxCrossEntropy(Tensor logits, int[] labels, Tensor gradLogits);

    /** A loss value that may still be on its way from the device ({@link #softmaxCrossEntropyAsync}). */
    @FunctionalInterface
    interface Loss {
        /** The mean loss; waits for the device if it is not there yet. */
        float value();
    }

    /**
     * {@link #softmaxCrossEntropy} without waiting for the device: the gradient is queued like any
     * other work and the loss is read when {@link Loss#value()} is called (after the rest of the
     * training step has been queued, so the device never idles for it). Same value as the
     * synchronous call.
     */
    default Loss softmaxCrossEntropyAsync(Tensor logits, int[] labels, Tensor gradLogits) {
        float loss = softmaxCrossEntropy(logits, labels, gradLogits);
        return () -> loss;
    }

    /**
     * SGD with momentum and weight decay, PyTorch convention:
     * {@code g += wd·p; v = μ·v + g; p −= lr·v}.
     */
    void sgdStep(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum, float weightDecay);

    /**
     * Bytes this backend can still allocate for tensors (and for its convolution scratch), so that
     * callers refuse work that cannot fit with a clear message instead of being killed; unknown:
     * {@code Long.MAX_VALUE}.
     */
    default long availableBytes() {
        return Long.MAX_VALUE;
    }

    /**
     * Scratch bytes the largest 3×3 convolution needs beyond its tensors, given what a dense im2col
     * convolution would ({@code im2colBytes}: 9× the larger of its input and output). The default
     * assumes im2col; a backend whose convolution library works in a bounded workspace says less.
     */
    default long convScratchBytes(long im2colBytes) {
        return im2colBytes;
    }

    /** Waits for queued work (no-op on the CPU). */
    default void synchronize() {
    }

    @Override
    void close();
}

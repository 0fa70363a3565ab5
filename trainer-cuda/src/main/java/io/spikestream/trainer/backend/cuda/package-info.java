/**
 * The CUDA backend: {@link io.spikestream.trainer.backend.cuda.CudaBackend} implements the
 * trainer's {@link io.spikestream.trainer.backend.Backend} with JavaCPP's CUDA 13 presets, so the
 * model code runs on a GPU unchanged.
 *
 * <ul>
 *   <li>3×3 convolutions: cuDNN forward, backward-data, backward-filter; the algorithm of each
 *       direction is found once per shape ({@code cudnnFind…}) and cached
 *       ({@link io.spikestream.trainer.backend.cuda.ConvPlans}); TF32 tensor cores by default,
 *       strict FP32 with {@code -Dspikestream.cuda.strictFp32=true} or
 *       {@code SPIKESTREAM_CUDA_STRICT_FP32=1}.</li>
 *   <li>Matrix products: cuBLAS SGEMM on row-major data through the transpose identity
 *       (a row-major matrix is its column-major transpose).</li>
 *   <li>Everything else: NVRTC-compiled kernels from {@code kernels.cu} (a resource), compiled at
 *       start-up with FMA contraction off to machine code (CUBIN) for the device's own architecture
 *       ({@code sm_90} on an H100): unlike PTX, CUBIN from a newer NVRTC loads on an older driver of
 *       the same major version. The fused BNTT + LIF forward is two
 *       launches for all T steps (per-step batch statistics for every step at once, then one
 *       thread per neuron walking t = 0..T−1); its backward is three (the membrane recurrence
 *       backwards in time, per-step sums, the batch-norm backward).</li>
 *   <li>One non-blocking stream for kernels, cuDNN and cuBLAS; no host synchronisation inside a
 *       step ({@code softmaxCrossEntropyAsync} returns the loss lazily); a caching allocator hands
 *       the same blocks to the same shapes batch after batch; uploads go through pinned staging
 *       buffers, input frames as uint8 counts expanded on the device ({@code uploadCounts}).</li>
 * </ul>
 *
 * <p>Test oracles that need no GPU: {@link io.spikestream.trainer.backend.reference.ReferenceKernels}
 * (a Java twin of every kernel, same operations in the same order) and
 * {@link io.spikestream.trainer.backend.reference.ReferenceBackend}, checked against the ND4J backend;
 * the CUDA source is compiled to PTX with nvcc and executed on the CPU with g++ in the tests.
 * {@code NvrtcCompileTest} runs the real NVRTC through JavaCPP where libnvrtc loads (no GPU needed).
 * {@code spikestream gpu-check} ({@link io.spikestream.trainer.diagnostics.GpuCheck}) runs the CUDA-versus-reference comparison,
 * the training benchmark and a per-operation profile on a GPU machine (gpu-package/README.md).
 */
package io.spikestream.trainer.backend.cuda;

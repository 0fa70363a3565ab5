package io.spikestream.trainer.backend.cuda;

import static io.spikestream.trainer.backend.cuda.CudaRuntime.checkCudnn;
import static org.bytedeco.cuda.global.cudnn.CUDNN_CROSS_CORRELATION;
import static org.bytedeco.cuda.global.cudnn.CUDNN_DATA_FLOAT;
import static org.bytedeco.cuda.global.cudnn.CUDNN_FMA_MATH;
import static org.bytedeco.cuda.global.cudnn.CUDNN_STATUS_SUCCESS;
import static org.bytedeco.cuda.global.cudnn.CUDNN_TENSOR_NCHW;
import static org.bytedeco.cuda.global.cudnn.CUDNN_TENSOR_OP_MATH;
import static org.bytedeco.cuda.global.cudnn.CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION;
import static org.bytedeco.cuda.global.cudnn.cudnnCreateConvolutionDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnCreateFilterDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnCreateTensorDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnDestroyConvolutionDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnDestroyFilterDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnDestroyTensorDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnFindConvolutionBackwardDataAlgorithm;
import static org.bytedeco.cuda.global.cudnn.cudnnFindConvolutionBackwardFilterAlgorithm;
import static org.bytedeco.cuda.global.cudnn.cudnnFindConvolutionForwardAlgorithm;
import static org.bytedeco.cuda.global.cudnn.cudnnGetConvolutionForwardAlgorithm_v7;
import static org.bytedeco.cuda.global.cudnn.cudnnGetConvolutionBackwardDataAlgorithm_v7;
import static org.bytedeco.cuda.global.cudnn.cudnnGetConvolutionBackwardFilterAlgorithm_v7;
import static org.bytedeco.cuda.global.cudnn.cudnnSetConvolution2dDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnSetConvolutionMathType;
import static org.bytedeco.cuda.global.cudnn.cudnnSetFilter4dDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnSetTensor4dDescriptor;

import java.util.HashMap;
import java.util.Map;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.cuda.cudnn.cudnnConvolutionBwdDataAlgoPerf_t;
import org.bytedeco.cuda.cudnn.cudnnConvolutionBwdFilterAlgoPerf_t;
import org.bytedeco.cuda.cudnn.cudnnConvolutionFwdAlgoPerf_t;
import org.bytedeco.cuda.cudnn.cudnnConvolutionStruct;
import org.bytedeco.cuda.cudnn.cudnnFilterStruct;
import org.bytedeco.cuda.cudnn.cudnnTensorStruct;

/**
 * cuDNN descriptors and chosen algorithms per convolution shape (3×3, stride 1, padding 1, NCHW,
 * cross-correlation). Each direction's algorithm is found once per shape with cuDNN's own
 * benchmark ({@code cudnnFind…}, which synchronises and allocates its own buffers: first batch
 * only), the fastest that succeeds within the workspace limit, and kept. Should every measured
 * candidate fail (e.g. cuDNN could not allocate its trial workspaces), cuDNN's heuristic ranking
 * ({@code cudnnGet…_v7}, no trial runs) decides instead.
 * With TF32 allowed the chosen algorithm's own math type is used (tensor cores); strict FP32 runs
 * every direction with {@code CUDNN_FMA_MATH}.
 */
final class ConvPlans implements AutoCloseable {
    private static final int CANDIDATES = 8;

    /** One shape: N, input channels, output channels, height, width. */
    record Key(int n, int in, int out, int h, int w) {
    }

    /** One of cuDNN's candidates: algorithm, status, math type, workspace bytes, measured ms (NaN when ranked by heuristics). */
    record Candidate(int algo, int status, int mathType, long memory, float ms) {
    }

    /**
     * A chosen algorithm, its math type, workspace and measured ms; {@code fasterOverLimit} is a
     * usable candidate that measured faster but needs more workspace than the limit, or null.
     */
    record Algo(int algo, int mathType, long workspace, float ms, Candidate fasterOverLimit) {
    }

    static final class Plan implements AutoCloseable {
        final cudnnTensorStruct x = new cudnnTensorStruct();
        final cudnnTensorStruct y = new cudnnTensorStruct();
        final cudnnFilterStruct w = new cudnnFilterStruct();
        final cudnnConvolutionStruct conv = new cudnnConvolutionStruct();
        Algo forward;
        Algo backwardData;
        Algo backwardFilter;

        Plan(Key k) {
            checkCudnn(cudnnCreateTensorDescriptor(x), "cudnnCreateTensorDescriptor");
            checkCudnn(cudnnCreateTensorDescriptor(y), "cudnnCreateTensorDescriptor");
            checkCudnn(cudnnCreateFilterDescriptor(w), "cudnnCreateFilterDescriptor");
            checkCudnn(cudnnCreateConvolutionDescriptor(conv), "cudnnCreateConvolutionDescriptor");
            checkCudnn(cudnnSetTensor4dDescriptor(x, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, k.n(), k.in(), k.h(), k.w()), "x descriptor " + k);
            checkCudnn(cudnnSetTensor4dDescriptor(y, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, k.n(), k.out(), k.h(), k.w()), "y descriptor " + k);
            checkCudnn(cudnnSetFilter4dDescriptor(w, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, k.out(), k.in(), 3, 3), "w descriptor " + k);
            checkCudnn(cudnnSetConvolution2dDescriptor(conv, 1, 1, 1, 1, 1, 1, CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT),
                    "convolution descriptor");
        }

        @Override
        public void close() {
            cudnnDestroyTensorDescriptor(x);
            cudnnDestroyTensorDescriptor(y);
            cudnnDestroyFilterDescriptor(w);
            cudnnDestroyConvolutionDescriptor(conv);
        }
    }

    private final cudnnContext handle;
    private final boolean strict;
    private final long workspaceLimit;
    private final Map<Key, Plan> plans = new HashMap<>();

    ConvPlans(cudnnContext handle, boolean strictFp32, long workspaceLimit) {
        this.handle = handle;
        this.strict = strictFp32;
        this.workspaceLimit = workspaceLimit;
    }

    Plan plan(Key k) {
        return plans.computeIfAbsent(k, Plan::new);
    }

    int size() {
        return plans.size();
    }

    long workspaceLimit() {
        return workspaceLimit;
    }

    /** The math type to search with: FMA only when strict, tensor-core math allowed otherwise. */
    private int searchMath() {
        return strict ? CUDNN_FMA_MATH : CUDNN_TENSOR_OP_MATH;
    }

    /** Sets the descriptor's math type for running {@code a}. */
    void useMath(Plan p, Algo a) {
        checkCudnn(cudnnSetConvolutionMathType(p.conv, strict ? CUDNN_FMA_MATH : a.mathType()), "cudnnSetConvolutionMathType");
    }

    Algo forward(Plan p, Key k) {
        if (p.forward == null) {
            p.forward = search(p, k, "forward", measure -> {
                int[] found = new int[1];
                try (cudnnConvolutionFwdAlgoPerf_t perf = new cudnnConvolutionFwdAlgoPerf_t(CANDIDATES)) {
                    if (measure) {
                        checkCudnn(cudnnFindConvolutionForwardAlgorithm(handle, p.x, p.w, p.conv, p.y, CANDIDATES, found, perf), "cudnnFindConvolutionForwardAlgorithm " + k);
                    } else {
                        checkCudnn(cudnnGetConvolutionForwardAlgorithm_v7(handle, p.x, p.w, p.conv, p.y, CANDIDATES, found, perf), "cudnnGetConvolutionForwardAlgorithm_v7 " + k);
                    }
                    Candidate[] out = new Candidate[found[0]];
                    for (int i = 0; i < out.length; i++) {
                        cudnnConvolutionFwdAlgoPerf_t r = perf.getPointer(i);
                        out[i] = new Candidate(r.algo(), r.status(), r.mathType(), r.memory(), measure ? r.time() : Float.NaN);
                    }
                    return out;
                }
            });
        }
        return p.forward;
    }

    Algo backwardData(Plan p, Key k) {
        if (p.backwardData == null) {
            p.backwardData = search(p, k, "backward-data", measure -> {
                int[] found = new int[1];
                try (cudnnConvolutionBwdDataAlgoPerf_t perf = new cudnnConvolutionBwdDataAlgoPerf_t(CANDIDATES)) {
                    if (measure) {
                        checkCudnn(cudnnFindConvolutionBackwardDataAlgorithm(handle, p.w, p.y, p.conv, p.x, CANDIDATES, found, perf), "cudnnFindConvolutionBackwardDataAlgorithm " + k);
                    } else {
                        checkCudnn(cudnnGetConvolutionBackwardDataAlgorithm_v7(handle, p.w, p.y, p.conv, p.x, CANDIDATES, found, perf), "cudnnGetConvolutionBackwardDataAlgorithm_v7 " + k);
                    }
                    Candidate[] out = new Candidate[found[0]];
                    for (int i = 0; i < out.length; i++) {
                        cudnnConvolutionBwdDataAlgoPerf_t r = perf.getPointer(i);
                        out[i] = new Candidate(r.algo(), r.status(), r.mathType(), r.memory(), measure ? r.time() : Float.NaN);
                    }
                    return out;
                }
            });
        }
        return p.backwardData;
    }

    Algo backwardFilter(Plan p, Key k) {
        if (p.backwardFilter == null) {
            p.backwardFilter = search(p, k, "backward-filter", measure -> {
                int[] found = new int[1];
                try (cudnnConvolutionBwdFilterAlgoPerf_t perf = new cudnnConvolutionBwdFilterAlgoPerf_t(CANDIDATES)) {
                    if (measure) {
                        checkCudnn(cudnnFindConvolutionBackwardFilterAlgorithm(handle, p.x, p.y, p.conv, p.w, CANDIDATES, found, perf), "cudnnFindConvolutionBackwardFilterAlgorithm " + k);
                    } else {
                        checkCudnn(cudnnGetConvolutionBackwardFilterAlgorithm_v7(handle, p.x, p.y, p.conv, p.w, CANDIDATES, found, perf), "cudnnGetConvolutionBackwardFilterAlgorithm_v7 " + k);
                    }
                    Candidate[] out = new Candidate[found[0]];
                    for (int i = 0; i < out.length; i++) {
                        cudnnConvolutionBwdFilterAlgoPerf_t r = perf.getPointer(i);
                        out[i] = new Candidate(r.algo(), r.status(), r.mathType(), r.memory(), measure ? r.time() : Float.NaN);
                    }
                    return out;
                }
            });
        }
        return p.backwardFilter;
    }

    /**
     * One direction's choice: cuDNN's measured candidates first, its heuristic ranking when none of
     * them is usable; the math type is set for searching first.
     *
     * @param candidates the candidates of one search, measured (true) or ranked (false)
     */
    private Algo search(Plan p, Key k, String direction, java.util.function.Function<Boolean, Candidate[]> candidates) {
        checkCudnn(cudnnSetConvolutionMathType(p.conv, searchMath()), "cudnnSetConvolutionMathType");
        for (boolean measure : new boolean[] {true, false}) {
            Algo a = choose(candidates.apply(measure));
            if (a != null) {
                return a;
            }
        }
        throw new CudaRuntime.CudaException("cuDNN has no " + direction + " algorithm for " + k + " within " + workspaceLimit
                + " bytes of workspace (SPIKESTREAM_CUDA_WORKSPACE_MIB raises the limit)");
    }

    /**
     * The first (fastest) of cuDNN's candidates that succeeded and fits the workspace limit. Never one
     * that converts FP32 to FP16; in strict mode one found for FMA math, else (some cuDNN versions
     * report the default math type) a default-math one, which then runs with FMA math set. A faster
     * usable candidate that only the workspace limit ruled out is kept in the result, so the report
     * says what a larger limit would buy.
     */
    Algo choose(Candidate[] candidates) {
        int[] acceptable = strict ? new int[] {CUDNN_FMA_MATH, org.bytedeco.cuda.global.cudnn.CUDNN_DEFAULT_MATH} : null;
        for (int pass = 0; pass < (strict ? 2 : 1); pass++) {
            Candidate overLimit = null;
            for (Candidate c : candidates) {
                int math = c.mathType();
                boolean mathOk = strict ? math == acceptable[pass] : math != CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION;
                if (c.status() != CUDNN_STATUS_SUCCESS || !mathOk) {
                    continue;
                }
                if (c.memory() > workspaceLimit) {
                    overLimit = overLimit == null ? c : overLimit;
                    continue;
                }
                return new Algo(c.algo(), math, c.memory(), c.ms(), overLimit);
            }
        }
        return null;
    }

    /**
     * Per shape, the chosen algorithm of each direction: id, math type (0 default, 1 tensor op, 3
     * FMA), workspace, measured time, and a faster one the workspace limit ruled out; then the limit.
     */
    String describe() {
        StringBuilder sb = new StringBuilder();
        plans.forEach((k, p) -> sb.append(sb.length() > 0 ? "; " : "").append(String.format(java.util.Locale.ROOT,
                "N%d %d->%d %dx%d fwd %s bwdData %s bwdFilter %s", k.n(), k.in(), k.out(), k.h(), k.w(), brief(p.forward),
                brief(p.backwardData), brief(p.backwardFilter))));
        return sb.append(sb.length() > 0 ? "; " : "").append("workspace limit ").append(workspaceLimit >> 20).append(" MiB")
                .toString();
    }

    /** e.g. {@code 1/m1/12MiB/0.512ms} and, when the limit ruled out a faster one, {@code (6 needs 2100MiB: 0.301ms)}. */
    static String brief(Algo a) {
        if (a == null) {
            return "-";
        }
        String s = a.algo() + "/m" + a.mathType() + "/" + (a.workspace() >> 20) + "MiB" + ms(a.ms());
        Candidate f = a.fasterOverLimit();
        return f == null ? s : s + " (" + f.algo() + " needs " + (f.memory() >> 20) + "MiB" + ms(f.ms()) + ")";
    }

    private static String ms(float ms) {
        return Float.isNaN(ms) ? "" : String.format(java.util.Locale.ROOT, "/%.3fms", ms);
    }

    @Override
    public void close() {
        plans.values().forEach(Plan::close);
        plans.clear();
    }
}

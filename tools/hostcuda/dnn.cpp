// hostcuda cuDNN: the legacy cuDNN 9 convolution API that CudaBackend and ConvPlans call, emulated
// on the CPU (see hostcuda.h). NCHW FP32 tensors, 2-D convolutions with padding, stride, dilation,
// both modes, FP32 or TF32 (tensor-op math) multiplies.
//
// Arguments are validated as cuDNN does, before anything is queued: a bad call returns cuDNN's
// status and reports which function and which value. Status choices where cuDNN documents only
// "BAD_PARAM": a NULL pointer gives BAD_PARAM_NULL_POINTER, inconsistent descriptors give
// BAD_PARAM_SHAPE_MISMATCH, a handle that is not live (destroyed, never created) NOT_INITIALIZED, a
// descriptor that is not live or of the wrong kind BAD_PARAM, an unknown algorithm number or a
// workspace smaller than the algorithm's need BAD_PARAM, an algorithm the perf lists report as
// NOT_SUPPORTED for the problem NOT_SUPPORTED, and a non-NULL data or workspace pointer whose bytes
// are not inside one device allocation EXECUTION_FAILED (a GPU would fault).
//
// The arithmetic is queued on the handle's stream with everything it needs copied by value
// (descriptors, alpha, beta), as the GPU reads them at launch. When it runs it checks the buffers
// are still allocated (a cudaFree must drain first, as the real one synchronises), and fills the
// workspace bytes the algorithm needs with NaN before computing, so a workspace that overlaps a
// tensor corrupts the result as it would on a GPU.
// Queued work calls hostcuda::isDevice and hostcuda::report from inside hostcuda::drain.
#include "hostcuda.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace {

using hostcuda::report;

constexpr int SUCCESS = 0;
constexpr int NOT_INITIALIZED = 1001;
constexpr int BAD_PARAM = 2000;
constexpr int NULL_POINTER = 2002;
constexpr int SHAPE_MISMATCH = 2008;
constexpr int NOT_SUPPORTED = 3000;
constexpr int ALLOC_FAILED = 4003;
constexpr int EXECUTION_FAILED = 5000;

constexpr int CONVOLUTION = 0;   // kernel flipped; CROSS_CORRELATION = 1 is not
constexpr int TENSOR_OP_MATH = 1;
constexpr int TENSOR_OP_MATH_ALLOW_CONVERSION = 2;
constexpr int FMA_MATH = 3;
constexpr int64_t MAX_ELEMENTS = INT32_MAX;   // cuDNN's limit on one tensor's element count

enum class Kind { Handle, Tensor, Filter, Conv };

struct Handle {
    const void* stream = nullptr;
};

struct Tensor {
    bool set = false;
    int n = 0, c = 0, h = 0, w = 0;
};

struct Filter {
    bool set = false;
    int k = 0, c = 0, h = 0, w = 0;
};

struct Conv {
    bool set = false;
    int padH = 0, padW = 0, u = 1, v = 1, dilH = 1, dilW = 1, mode = 1;
    int math = 0;   // CUDNN_DEFAULT_MATH until cudnnSetConvolutionMathType
};

template <class T> constexpr Kind kindOf();
template <> constexpr Kind kindOf<Handle>() { return Kind::Handle; }
template <> constexpr Kind kindOf<Tensor>() { return Kind::Tensor; }
template <> constexpr Kind kindOf<Filter>() { return Kind::Filter; }
template <> constexpr Kind kindOf<Conv>() { return Kind::Conv; }

const char* kindName(Kind k) {
    switch (k) {
        case Kind::Handle: return "cudnnHandle_t";
        case Kind::Tensor: return "cudnnTensorDescriptor_t";
        case Kind::Filter: return "cudnnFilterDescriptor_t";
        default: return "cudnnConvolutionDescriptor_t";
    }
}

// One lock for every entry point, and the set of live handles and descriptors, so that a stale or
// wrongly typed pointer is reported instead of dereferenced.
std::mutex mu;
std::unordered_map<const void*, Kind>& live() {
    static std::unordered_map<const void*, Kind> objects;
    return objects;
}

template <class T>
int lookup(const char* fn, const char* arg, const void* p, T*& out, bool mustBeSet) {
    out = nullptr;
    if (p == nullptr) {
        return report(NULL_POINTER, "%s: %s is NULL", fn, arg);
    }
    auto it = live().find(p);
    if (it == live().end()) {
        return report(kindOf<T>() == Kind::Handle ? NOT_INITIALIZED : BAD_PARAM,
                      "%s: %s %p is not a live %s (destroyed, or never created)", fn, arg, p, kindName(kindOf<T>()));
    }
    if (it->second != kindOf<T>()) {
        return report(BAD_PARAM, "%s: %s %p is a %s, not a %s", fn, arg, p, kindName(it->second), kindName(kindOf<T>()));
    }
    out = static_cast<T*>(const_cast<void*>(p));
    if constexpr (kindOf<T>() != Kind::Handle) {
        if (mustBeSet && !out->set) {
            out = nullptr;
            return report(BAD_PARAM, "%s: %s %p was created but never set", fn, arg, p);
        }
    }
    return SUCCESS;
}

template <class T>
int create(const char* fn, void** out) {
    if (out == nullptr) {
        return report(NULL_POINTER, "%s: the output pointer is NULL", fn);
    }
    T* t = new T();
    live()[t] = kindOf<T>();
    *out = t;
    return SUCCESS;
}

template <class T>
int destroy(const char* fn, void* p) {
    if (p == nullptr) {
        if constexpr (kindOf<T>() == Kind::Handle) {
            return report(NULL_POINTER, "%s: handle is NULL", fn);
        }
        return SUCCESS;   // destroying a NULL descriptor is a no-op in cuDNN
    }
    T* t;
    if (int st = lookup(fn, "the argument", p, t, false)) {
        return st;
    }
    live().erase(p);
    delete t;
    return SUCCESS;
}

// data type / format checks shared by tensor and filter descriptors
int checkTypeAndFormat(const char* fn, int dataType, int format) {
    if (format < 0 || format > 2) {
        return report(BAD_PARAM, "%s: format %d is not a cudnnTensorFormat_t", fn, format);
    }
    if (dataType < 0 || dataType > 20) {
        return report(BAD_PARAM, "%s: dataType %d is not a cudnnDataType_t", fn, dataType);
    }
    if (format != 0) {
        return report(NOT_SUPPORTED, "%s: format %d: hostcuda supports CUDNN_TENSOR_NCHW (0) only", fn, format);
    }
    if (dataType != 0) {
        return report(NOT_SUPPORTED, "%s: dataType %d: hostcuda supports CUDNN_DATA_FLOAT (0) only", fn, dataType);
    }
    return SUCCESS;
}

int checkDims(const char* fn, const char* names, int a, int b, int c, int d) {
    if (a <= 0 || b <= 0 || c <= 0 || d <= 0) {
        return report(BAD_PARAM, "%s: dimensions %s = %d,%d,%d,%d must all be positive", fn, names, a, b, c, d);
    }
    int64_t count = int64_t(a) * b * c * d;
    if (count > MAX_ELEMENTS) {
        return report(NOT_SUPPORTED, "%s: %s = %d,%d,%d,%d is %lld elements, over cuDNN's 2^31-1", fn, names, a, b, c, d,
                      static_cast<long long>(count));
    }
    return SUCCESS;
}

// ---- the problem one convolution call describes -------------------------------------------------

enum Dir { FWD = 0, BWD_DATA = 1, BWD_FILTER = 2 };
constexpr int ALGO_COUNT[3] = {8, 6, 7};

struct Problem {
    int n, c, h, w;    // x (dx)
    int k, r, s;       // filter: output channels, rows, columns (its input channels are c)
    int oh, ow;        // y (dy): n x k x oh x ow
    Conv conv;

    size_t xBytes() const { return size_t(n) * c * h * w * 4; }
    size_t wBytes() const { return size_t(k) * c * r * s * 4; }
    size_t yBytes() const { return size_t(n) * k * oh * ow * 4; }
    double flops() const { return 2.0 * n * k * c * r * s * oh * ow; }
    bool winogradShape() const {
        return r == 3 && s == 3 && conv.u == 1 && conv.v == 1 && conv.dilH == 1 && conv.dilW == 1;
    }
};

// Resolves and cross-checks the four descriptors of one call. Names are the caller's argument names.
int problem(const char* fn, const void* xd, const char* xn, const void* wd, const char* wn, const void* cd,
            const void* yd, const char* yn, Problem& p) {
    Tensor* x;
    Filter* f;
    Conv* cv;
    Tensor* y;
    if (int st = lookup(fn, xn, xd, x, true)) return st;
    if (int st = lookup(fn, wn, wd, f, true)) return st;
    if (int st = lookup(fn, "convDesc", cd, cv, true)) return st;
    if (int st = lookup(fn, yn, yd, y, true)) return st;
    if (x->c != f->c) {
        return report(SHAPE_MISMATCH, "%s: %s has %d channels but %s (k=%d c=%d %dx%d) takes c=%d", fn, xn, x->c, wn,
                      f->k, f->c, f->h, f->w, f->c);
    }
    int64_t effH = int64_t(cv->dilH) * (f->h - 1) + 1;
    int64_t effW = int64_t(cv->dilW) * (f->w - 1) + 1;
    int64_t padded_h = int64_t(x->h) + 2 * int64_t(cv->padH);
    int64_t padded_w = int64_t(x->w) + 2 * int64_t(cv->padW);
    if (padded_h > MAX_ELEMENTS || padded_w > MAX_ELEMENTS) {
        return report(NOT_SUPPORTED, "%s: %s padded to %lldx%lld exceeds 2^31-1 in one axis", fn, xn,
                      static_cast<long long>(padded_h), static_cast<long long>(padded_w));
    }
    if (effH > padded_h || effW > padded_w) {
        return report(BAD_PARAM, "%s: the %lldx%lld (dilated) filter of %s exceeds %s's padded %lldx%lld", fn,
                      static_cast<long long>(effH), static_cast<long long>(effW), wn, xn,
                      static_cast<long long>(padded_h), static_cast<long long>(padded_w));
    }
    const int oh = int((padded_h - effH) / cv->u + 1);   // fits: padded_h <= 2^31-1
    const int ow = int((padded_w - effW) / cv->v + 1);
    if (y->n != x->n) {
        return report(SHAPE_MISMATCH, "%s: %s has batch %d but %s has batch %d", fn, yn, y->n, xn, x->n);
    }
    if (y->c != f->k) {
        return report(SHAPE_MISMATCH, "%s: %s has %d channels but %s has k=%d output channels", fn, yn, y->c, wn, f->k);
    }
    if (y->h != oh || y->w != ow) {
        return report(SHAPE_MISMATCH,
                      "%s: %s is %dx%d but %s %dx%d convolved with %s %dx%d (pad %d,%d stride %d,%d dilation %d,%d) "
                      "gives %dx%d",
                      fn, yn, y->h, y->w, xn, x->h, x->w, wn, f->h, f->w, cv->padH, cv->padW, cv->u, cv->v, cv->dilH,
                      cv->dilW, oh, ow);
    }
    p = Problem{x->n, x->c, x->h, x->w, f->k, f->h, f->w, oh, ow, *cv};
    return SUCCESS;
}

// ---- algorithms: which run here, their workspace, and a modelled time ------------------------------

struct AlgoInfo {
    bool supported;
    size_t workspace;
    float factor;   // modelled time relative to the problem's FLOP count at a nominal rate
};

AlgoInfo algoInfo(Dir d, int algo, const Problem& p) {
    const size_t im2col = size_t(p.n) * p.c * p.r * p.s * p.oh * p.ow * 4;   // the whole batch's columns
    const size_t tiles = size_t((p.oh + 1) / 2) * ((p.ow + 1) / 2);          // F(2x2, 3x3) output tiles
    switch (d) {
        case FWD:
            switch (algo) {
                case 0: return {true, 0, 1.6f};                                          // IMPLICIT_GEMM
                case 1: return {true, size_t(p.c) * p.r * p.s * p.oh * p.ow * 4, 1.2f};  // IMPLICIT_PRECOMP_GEMM
                case 2: return {true, im2col, 0.8f};                                     // GEMM
                default: return {false, 0, 0};  // DIRECT, FFT, FFT_TILING, WINOGRAD, WINOGRAD_NONFUSED
            }
        case BWD_DATA:
            switch (algo) {
                case 0: return {true, 0, 1.7f};        // ALGO_0
                case 1: return {true, im2col, 0.9f};   // ALGO_1
                case 5:                                // WINOGRAD_NONFUSED: 3x3, stride 1, no dilation only
                    if (p.winogradShape()) {
                        return {true, (size_t(p.n) * (p.k + p.c) * tiles + size_t(p.k) * p.c) * 16 * 4, 1.0f};
                    }
                    return {false, 0, 0};
                default: return {false, 0, 0};   // FFT, FFT_TILING, WINOGRAD
            }
        default:
            switch (algo) {
                case 0: return {true, 0, 1.8f};                                                    // ALGO_0
                case 1: return {true, im2col, 0.9f};                                               // ALGO_1
                case 3: return {true, size_t((p.n + 7) / 8) * p.k * p.c * p.r * p.s * 4, 1.3f};    // ALGO_3
                default: return {false, 0, 0};   // FFT, WINOGRAD, WINOGRAD_NONFUSED, FFT_TILING
            }
    }
}

struct Perf {   // cudnnConvolution{Fwd,BwdData,BwdFilter}AlgoPerf_t
    int algo;
    int status;
    float time;
    size_t memory;
    int determinism;
    int mathType;
    int reserved[3];
};
static_assert(sizeof(Perf) == 48, "cuDNN's perf struct is 48 bytes");
static_assert(offsetof(Perf, memory) == 16 && offsetof(Perf, mathType) == 28, "perf struct layout");

// Every algorithm of the direction: the ones that run, fastest first, then the unsupported ones.
// The times are not measurements: FLOPs at a nominal 20 TFLOP/s times a per-algorithm factor, plus
// 5 us, so that the fastest one is the one with the largest workspace. Get_v7 (heuristics) reports
// time -1, as cuDNN does when nothing was timed.
int algorithms(const char* fn, Dir d, bool find, void* handle, const void* xd, const char* xn, const void* wd,
               const char* wn, const void* cd, const void* yd, const char* yn, int requested, int* returned,
               void* perfOut) {
    std::lock_guard<std::mutex> lock(mu);
    Handle* h;
    if (int st = lookup(fn, "handle", handle, h, false)) return st;
    Problem p;
    if (int st = problem(fn, xd, xn, wd, wn, cd, yd, yn, p)) return st;
    if (requested <= 0) {
        return report(BAD_PARAM, "%s: requestedAlgoCount %d must be positive", fn, requested);
    }
    if (returned == nullptr) {
        return report(NULL_POINTER, "%s: returnedAlgoCount is NULL", fn);
    }
    if (perfOut == nullptr) {
        return report(NULL_POINTER, "%s: perfResults is NULL", fn);
    }
    if (find) {
        hostcuda::drain();   // cudnnFind* synchronises the device before timing
    }
    // HOSTCUDA_FIND_FAILS=1: every measurement fails as when Find cannot allocate its buffers
    const char* ff = std::getenv("HOSTCUDA_FIND_FAILS");
    const bool findFails = find && ff != nullptr && ff[0] == '1';
    std::vector<Perf> all;
    for (int a = 0; a < ALGO_COUNT[d]; a++) {
        AlgoInfo info = algoInfo(d, a, p);
        Perf r{};
        r.algo = a;
        r.status = !info.supported ? NOT_SUPPORTED : findFails ? ALLOC_FAILED : SUCCESS;
        r.time = info.supported && find ? float(p.flops() / 20e12 * 1e3 * info.factor + 0.005) : -1.0f;
        r.memory = info.supported ? info.workspace : 0;
        r.determinism = 1;
        r.mathType = p.conv.math;
        all.push_back(r);
    }
    std::stable_sort(all.begin(), all.end(), [&](const Perf& a, const Perf& b) {
        if ((a.status == SUCCESS) != (b.status == SUCCESS)) return a.status == SUCCESS;
        if (a.status != SUCCESS) return false;
        return algoInfo(d, a.algo, p).factor < algoInfo(d, b.algo, p).factor;
    });
    int count = std::min<int>(requested, int(all.size()));
    std::memcpy(perfOut, all.data(), sizeof(Perf) * size_t(count));
    *returned = count;
    return SUCCESS;
}

// ---- the arithmetic, run from the queue --------------------------------------------------------

// The output indices [lo, hi) of one axis whose input index o * stride + off lies in [0, len).
void validRange(int off, int stride, int len, int outLen, int& lo, int& hi) {
    const int64_t o = off, st = stride, last = int64_t(len) - 1 - o;
    lo = int(std::min<int64_t>(outLen, o >= 0 ? 0 : (-o + st - 1) / st));
    hi = int(last < 0 ? 0 : std::min<int64_t>(outLen, last / st + 1));
    if (hi < lo) hi = lo;
}

// a copy of count floats, rounded to TF32 when tf
const float* operand(const float* p, size_t count, bool tf, std::vector<float>& buf) {
    if (!tf) return p;
    buf.resize(count);
    for (size_t i = 0; i < count; i++) buf[i] = hostcuda::tf32(p[i]);
    return buf.data();
}

// the filter as applied: wf[k][c][i][j] multiplies the input at offset (i*dilH - padH, j*dilW - padW),
// i.e. w itself for cross-correlation and w flipped in both axes for convolution; rounded when tf
std::vector<float> appliedFilter(const Problem& p, const float* w, bool tf) {
    std::vector<float> wf(size_t(p.k) * p.c * p.r * p.s);
    const bool flip = p.conv.mode == CONVOLUTION;
    for (size_t kc = 0; kc < size_t(p.k) * p.c; kc++) {
        for (int i = 0; i < p.r; i++) {
            for (int j = 0; j < p.s; j++) {
                int fi = flip ? p.r - 1 - i : i, fj = flip ? p.s - 1 - j : j;
                float v = w[(kc * p.r + fi) * p.s + fj];
                wf[(kc * p.r + i) * p.s + j] = tf ? hostcuda::tf32(v) : v;
            }
        }
    }
    return wf;
}

void blend(float* out, const float* acc, size_t count, float alpha, float beta) {
    if (beta == 0.0f) {   // out is not read: whatever it held (NaN included) is overwritten
        for (size_t i = 0; i < count; i++) out[i] = alpha * acc[i];
    } else {
        for (size_t i = 0; i < count; i++) out[i] = alpha * acc[i] + beta * out[i];
    }
}

// y = alpha * conv(x, w) + beta * y; each output sums over (c, i, j) in that order
void forward(const Problem& p, const float* x0, const float* w, float* y, float alpha, float beta, bool tf) {
    std::vector<float> xbuf;
    const float* x = operand(x0, size_t(p.n) * p.c * p.h * p.w, tf, xbuf);
    std::vector<float> wf = appliedFilter(p, w, tf);
    const Conv& cv = p.conv;
    const size_t plane = size_t(p.oh) * p.ow;
    std::vector<float> acc(plane);
    for (int n = 0; n < p.n; n++) {
        for (int k = 0; k < p.k; k++) {
            std::fill(acc.begin(), acc.end(), 0.0f);
            for (int c = 0; c < p.c; c++) {
                const float* xp = x + (size_t(n) * p.c + c) * p.h * p.w;
                const float* wp = wf.data() + (size_t(k) * p.c + c) * p.r * p.s;
                for (int i = 0; i < p.r; i++) {
                    const int offY = i * cv.dilH - cv.padH;
                    int oy0, oy1;
                    validRange(offY, cv.u, p.h, p.oh, oy0, oy1);
                    for (int j = 0; j < p.s; j++) {
                        const int offX = j * cv.dilW - cv.padW;
                        int ox0, ox1;
                        validRange(offX, cv.v, p.w, p.ow, ox0, ox1);
                        const float wv = wp[i * p.s + j];
                        for (int oy = oy0; oy < oy1; oy++) {
                            const float* xrow = xp + size_t(oy * cv.u + offY) * p.w;
                            float* arow = acc.data() + size_t(oy) * p.ow;
                            if (cv.v == 1) {
                                for (int ox = ox0; ox < ox1; ox++) arow[ox] += xrow[ox + offX] * wv;
                            } else {
                                for (int ox = ox0; ox < ox1; ox++) arow[ox] += xrow[ox * cv.v + offX] * wv;
                            }
                        }
                    }
                }
            }
            blend(y + (size_t(n) * p.k + k) * plane, acc.data(), plane, alpha, beta);
        }
    }
}

// dx = alpha * conv_transpose(dy, w) + beta * dx; each input position sums over (k, i, j) in that order
void backwardData(const Problem& p, const float* w, const float* dy0, float* dx, float alpha, float beta, bool tf) {
    std::vector<float> dybuf;
    const float* dy = operand(dy0, size_t(p.n) * p.k * p.oh * p.ow, tf, dybuf);
    std::vector<float> wf = appliedFilter(p, w, tf);
    const Conv& cv = p.conv;
    const size_t plane = size_t(p.h) * p.w, oplane = size_t(p.oh) * p.ow;
    std::vector<float> acc(plane);
    for (int n = 0; n < p.n; n++) {
        for (int c = 0; c < p.c; c++) {
            std::fill(acc.begin(), acc.end(), 0.0f);
            for (int k = 0; k < p.k; k++) {
                const float* dyp = dy + (size_t(n) * p.k + k) * oplane;
                const float* wp = wf.data() + (size_t(k) * p.c + c) * p.r * p.s;
                for (int i = 0; i < p.r; i++) {
                    const int offY = i * cv.dilH - cv.padH;
                    int oy0, oy1;
                    validRange(offY, cv.u, p.h, p.oh, oy0, oy1);
                    for (int j = 0; j < p.s; j++) {
                        const int offX = j * cv.dilW - cv.padW;
                        int ox0, ox1;
                        validRange(offX, cv.v, p.w, p.ow, ox0, ox1);
                        const float wv = wp[i * p.s + j];
                        for (int oy = oy0; oy < oy1; oy++) {
                            float* arow = acc.data() + size_t(oy * cv.u + offY) * p.w;
                            const float* drow = dyp + size_t(oy) * p.ow;
                            if (cv.v == 1) {
                                for (int ox = ox0; ox < ox1; ox++) arow[ox + offX] += drow[ox] * wv;
                            } else {
                                for (int ox = ox0; ox < ox1; ox++) arow[ox * cv.v + offX] += drow[ox] * wv;
                            }
                        }
                    }
                }
            }
            blend(dx + (size_t(n) * p.c + c) * plane, acc.data(), plane, alpha, beta);
        }
    }
}

// dw = alpha * corr(x, dy) + beta * dw; each tap sums per output position over n, then over the
// positions in row-major order
void backwardFilter(const Problem& p, const float* x0, const float* dy0, float* dw, float alpha, float beta, bool tf) {
    std::vector<float> xbuf, dybuf;
    const float* x = operand(x0, size_t(p.n) * p.c * p.h * p.w, tf, xbuf);
    const float* dy = operand(dy0, size_t(p.n) * p.k * p.oh * p.ow, tf, dybuf);
    const Conv& cv = p.conv;
    const bool flip = cv.mode == CONVOLUTION;
    const size_t oplane = size_t(p.oh) * p.ow, taps = size_t(p.r) * p.s;
    std::vector<float> planes(taps * oplane);
    std::vector<float> acc(taps);
    for (int k = 0; k < p.k; k++) {
        for (int c = 0; c < p.c; c++) {
            std::fill(planes.begin(), planes.end(), 0.0f);
            for (int n = 0; n < p.n; n++) {
                const float* xp = x + (size_t(n) * p.c + c) * p.h * p.w;
                const float* dyp = dy + (size_t(n) * p.k + k) * oplane;
                for (int i = 0; i < p.r; i++) {
                    const int offY = i * cv.dilH - cv.padH;
                    int oy0, oy1;
                    validRange(offY, cv.u, p.h, p.oh, oy0, oy1);
                    for (int j = 0; j < p.s; j++) {
                        const int offX = j * cv.dilW - cv.padW;
                        int ox0, ox1;
                        validRange(offX, cv.v, p.w, p.ow, ox0, ox1);
                        float* pl = planes.data() + (size_t(i) * p.s + j) * oplane;
                        for (int oy = oy0; oy < oy1; oy++) {
                            const float* xrow = xp + size_t(oy * cv.u + offY) * p.w;
                            const float* drow = dyp + size_t(oy) * p.ow;
                            float* prow = pl + size_t(oy) * p.ow;
                            if (cv.v == 1) {
                                for (int ox = ox0; ox < ox1; ox++) prow[ox] += xrow[ox + offX] * drow[ox];
                            } else {
                                for (int ox = ox0; ox < ox1; ox++) prow[ox] += xrow[ox * cv.v + offX] * drow[ox];
                            }
                        }
                    }
                }
            }
            for (int i = 0; i < p.r; i++) {
                for (int j = 0; j < p.s; j++) {
                    const float* pl = planes.data() + (size_t(i) * p.s + j) * oplane;
                    float sum = 0.0f;
                    for (size_t q = 0; q < oplane; q++) sum += pl[q];
                    int fi = flip ? p.r - 1 - i : i, fj = flip ? p.s - 1 - j : j;
                    acc[size_t(fi) * p.s + fj] = sum;
                }
            }
            blend(dw + (size_t(k) * p.c + c) * taps, acc.data(), taps, alpha, beta);
        }
    }
}

// TF32 multiplies unless the math type is FMA (on Ampere and later cuDNN may use TF32 tensor cores
// for FP32 convolutions under DEFAULT and the tensor-op types alike), or NVIDIA_TF32_OVERRIDE=0
bool useTf32(int math) {
    if (math == FMA_MATH) return false;
    const char* env = std::getenv("NVIDIA_TF32_OVERRIDE");
    return env == nullptr || std::strcmp(env, "0") != 0;
}

struct Arg {
    const char* name;
    const void* ptr;
    size_t bytes;
};

int checkData(const char* fn, const Arg& a) {
    if (a.ptr == nullptr) {
        return report(NULL_POINTER, "%s: %s is NULL (%zu bytes expected)", fn, a.name, a.bytes);
    }
    if (!hostcuda::isDevice(a.ptr, a.bytes)) {
        return report(EXECUTION_FAILED, "%s: %s %p..+%zu bytes is not inside one device allocation", fn, a.name, a.ptr,
                      a.bytes);
    }
    return SUCCESS;
}

// One convolution call: in1, in2 are the inputs, out the output, in the direction's own roles.
int convolve(const char* fn, Dir d, void* handle, const void* alphaP, const void* xd, const char* xn, const void* wd,
             const char* wn, const void* cd, const void* yd, const char* yn, int algo, void* ws, size_t wsSize,
             const void* betaP, Arg in1, Arg in2, Arg out) {
    std::lock_guard<std::mutex> lock(mu);
    Handle* h;
    if (int st = lookup(fn, "handle", handle, h, false)) return st;
    Problem p;
    if (int st = problem(fn, xd, xn, wd, wn, cd, yd, yn, p)) return st;
    if (alphaP == nullptr) return report(NULL_POINTER, "%s: alpha is NULL", fn);
    if (betaP == nullptr) return report(NULL_POINTER, "%s: beta is NULL", fn);
    // cuDNN reads the scaling factors on the host: a device address would fault there
    if (hostcuda::isDevice(alphaP, 0) || hostcuda::isDevice(betaP, 0)) {
        return report(BAD_PARAM, "%s: alpha or beta points into device memory; cuDNN reads them on the host", fn);
    }
    if (algo < 0 || algo >= ALGO_COUNT[d]) {
        return report(BAD_PARAM, "%s: algo %d is not an algorithm of this direction (0..%d)", fn, algo,
                      ALGO_COUNT[d] - 1);
    }
    AlgoInfo info = algoInfo(d, algo, p);
    if (!info.supported) {
        return report(NOT_SUPPORTED, "%s: algo %d is not supported for this problem (reported NOT_SUPPORTED)", fn, algo);
    }
    if (info.workspace > 0) {
        if (wsSize < info.workspace) {
            return report(BAD_PARAM, "%s: workSpaceSizeInBytes %zu is less than the %zu bytes algo %d needs", fn, wsSize,
                          info.workspace, algo);
        }
        if (ws == nullptr) {
            return report(NULL_POINTER, "%s: workSpace is NULL but algo %d needs %zu bytes", fn, algo, info.workspace);
        }
        if (!hostcuda::isDevice(ws, wsSize)) {
            return report(EXECUTION_FAILED, "%s: workSpace %p..+%zu bytes is not inside one device allocation", fn, ws,
                          wsSize);
        }
    }
    in1.bytes = d == BWD_DATA ? p.wBytes() : p.xBytes();
    in2.bytes = d == FWD ? p.wBytes() : p.yBytes();
    out.bytes = d == FWD ? p.yBytes() : d == BWD_DATA ? p.xBytes() : p.wBytes();
    for (const Arg& a : {in1, in2, out}) {
        if (int st = checkData(fn, a)) return st;
    }
    float alpha, beta;
    std::memcpy(&alpha, alphaP, 4);
    std::memcpy(&beta, betaP, 4);
    const bool tf = useTf32(p.conv.math);
    const size_t need = info.workspace;
    hostcuda::enqueue(h->stream, [fn, d, p, in1, in2, out, ws, need, alpha, beta, tf]() {
        for (const Arg& a : {in1, in2, out, Arg{"workSpace", need > 0 ? ws : nullptr, need}}) {
            if (a.ptr != nullptr && !hostcuda::isDevice(a.ptr, a.bytes)) {
                report(EXECUTION_FAILED, "%s (queued): %s %p..+%zu bytes was freed before the work ran; skipped", fn,
                       a.name, a.ptr, a.bytes);
                return;
            }
        }
        if (need > 0) {
            std::memset(ws, 0xff, need);   // scratch the algorithm writes: all-ones bits are NaN floats
        }
        const float* a = static_cast<const float*>(in1.ptr);
        const float* b = static_cast<const float*>(in2.ptr);
        float* o = static_cast<float*>(const_cast<void*>(out.ptr));
        switch (d) {
            case FWD: forward(p, a, b, o, alpha, beta, tf); break;
            case BWD_DATA: backwardData(p, a, b, o, alpha, beta, tf); break;
            default: backwardFilter(p, a, b, o, alpha, beta, tf); break;
        }
    });
    return SUCCESS;
}

}  // namespace

extern "C" {

size_t cudnnGetVersion() { return 91900; }

const char* cudnnGetErrorString(int status) {
    switch (status) {
        case 0: return "CUDNN_STATUS_SUCCESS";
        case 1001: return "CUDNN_STATUS_NOT_INITIALIZED";
        case 1002: return "CUDNN_STATUS_SUBLIBRARY_VERSION_MISMATCH";
        case 2000: return "CUDNN_STATUS_BAD_PARAM";
        case 2002: return "CUDNN_STATUS_BAD_PARAM_NULL_POINTER";
        case 2003: return "CUDNN_STATUS_BAD_PARAM_MISALIGNED_POINTER";
        case 2004: return "CUDNN_STATUS_BAD_PARAM_NOT_FINALIZED";
        case 2005: return "CUDNN_STATUS_BAD_PARAM_OUT_OF_BOUND";
        case 2006: return "CUDNN_STATUS_BAD_PARAM_SIZE_INSUFFICIENT";
        case 2007: return "CUDNN_STATUS_BAD_PARAM_STREAM_MISMATCH";
        case 2008: return "CUDNN_STATUS_BAD_PARAM_SHAPE_MISMATCH";
        case 3000: return "CUDNN_STATUS_NOT_SUPPORTED";
        case 4000: return "CUDNN_STATUS_INTERNAL_ERROR";
        case 5000: return "CUDNN_STATUS_EXECUTION_FAILED";
        default: return "CUDNN_STATUS_UNKNOWN";
    }
}

int cudnnCreate(void** handle) {
    std::lock_guard<std::mutex> lock(mu);
    return create<Handle>("cudnnCreate", handle);
}

int cudnnDestroy(void* handle) {
    std::lock_guard<std::mutex> lock(mu);
    return destroy<Handle>("cudnnDestroy", handle);
}

int cudnnSetStream(void* handle, void* stream) {
    std::lock_guard<std::mutex> lock(mu);
    Handle* h;
    if (int st = lookup("cudnnSetStream", "handle", handle, h, false)) return st;
    h->stream = stream;
    return SUCCESS;
}

int cudnnCreateTensorDescriptor(void** d) {
    std::lock_guard<std::mutex> lock(mu);
    return create<Tensor>("cudnnCreateTensorDescriptor", d);
}

int cudnnDestroyTensorDescriptor(void* d) {
    std::lock_guard<std::mutex> lock(mu);
    return destroy<Tensor>("cudnnDestroyTensorDescriptor", d);
}

int cudnnSetTensor4dDescriptor(void* d, int format, int dataType, int n, int c, int h, int w) {
    static const char* fn = "cudnnSetTensor4dDescriptor";
    std::lock_guard<std::mutex> lock(mu);
    Tensor* t;
    if (int st = lookup(fn, "tensorDesc", d, t, false)) return st;
    if (int st = checkTypeAndFormat(fn, dataType, format)) return st;
    if (int st = checkDims(fn, "n,c,h,w", n, c, h, w)) return st;
    *t = Tensor{true, n, c, h, w};
    return SUCCESS;
}

int cudnnCreateFilterDescriptor(void** d) {
    std::lock_guard<std::mutex> lock(mu);
    return create<Filter>("cudnnCreateFilterDescriptor", d);
}

int cudnnDestroyFilterDescriptor(void* d) {
    std::lock_guard<std::mutex> lock(mu);
    return destroy<Filter>("cudnnDestroyFilterDescriptor", d);
}

int cudnnSetFilter4dDescriptor(void* d, int dataType, int format, int k, int c, int h, int w) {
    static const char* fn = "cudnnSetFilter4dDescriptor";
    std::lock_guard<std::mutex> lock(mu);
    Filter* f;
    if (int st = lookup(fn, "filterDesc", d, f, false)) return st;
    if (int st = checkTypeAndFormat(fn, dataType, format)) return st;
    if (int st = checkDims(fn, "k,c,h,w", k, c, h, w)) return st;
    *f = Filter{true, k, c, h, w};
    return SUCCESS;
}

int cudnnCreateConvolutionDescriptor(void** d) {
    std::lock_guard<std::mutex> lock(mu);
    return create<Conv>("cudnnCreateConvolutionDescriptor", d);
}

int cudnnDestroyConvolutionDescriptor(void* d) {
    std::lock_guard<std::mutex> lock(mu);
    return destroy<Conv>("cudnnDestroyConvolutionDescriptor", d);
}

int cudnnSetConvolution2dDescriptor(void* d, int padH, int padW, int u, int v, int dilH, int dilW, int mode,
                                    int computeType) {
    static const char* fn = "cudnnSetConvolution2dDescriptor";
    std::lock_guard<std::mutex> lock(mu);
    Conv* cv;
    if (int st = lookup(fn, "convDesc", d, cv, false)) return st;
    if (padH < 0 || padW < 0) return report(BAD_PARAM, "%s: pad %d,%d must not be negative", fn, padH, padW);
    if (u <= 0 || v <= 0) return report(BAD_PARAM, "%s: stride u,v = %d,%d must be positive", fn, u, v);
    if (dilH <= 0 || dilW <= 0) return report(BAD_PARAM, "%s: dilation %d,%d must be positive", fn, dilH, dilW);
    if (mode != 0 && mode != 1) return report(BAD_PARAM, "%s: mode %d is not a cudnnConvolutionMode_t", fn, mode);
    if (computeType < 0 || computeType > 20) {
        return report(BAD_PARAM, "%s: computeType %d is not a cudnnDataType_t", fn, computeType);
    }
    if (computeType != 0) {
        return report(NOT_SUPPORTED, "%s: computeType %d: hostcuda supports CUDNN_DATA_FLOAT (0) only", fn, computeType);
    }
    int math = cv->math;   // the math type is its own setting; setting the geometry keeps it
    *cv = Conv{true, padH, padW, u, v, dilH, dilW, mode, math};
    return SUCCESS;
}

int cudnnSetConvolutionMathType(void* d, int mathType) {
    static const char* fn = "cudnnSetConvolutionMathType";
    std::lock_guard<std::mutex> lock(mu);
    Conv* cv;
    if (int st = lookup(fn, "convDesc", d, cv, false)) return st;
    if (mathType < 0 || mathType > FMA_MATH) {
        return report(BAD_PARAM, "%s: mathType %d is not a cudnnMathType_t", fn, mathType);
    }
    cv->math = mathType;
    return SUCCESS;
}

int cudnnFindConvolutionForwardAlgorithm(void* h, void* xDesc, void* wDesc, void* convDesc, void* yDesc, int requested,
                                         int* returned, void* perf) {
    return algorithms("cudnnFindConvolutionForwardAlgorithm", FWD, true, h, xDesc, "xDesc", wDesc, "wDesc", convDesc,
                      yDesc, "yDesc", requested, returned, perf);
}

int cudnnGetConvolutionForwardAlgorithm_v7(void* h, void* xDesc, void* wDesc, void* convDesc, void* yDesc,
                                           int requested, int* returned, void* perf) {
    return algorithms("cudnnGetConvolutionForwardAlgorithm_v7", FWD, false, h, xDesc, "xDesc", wDesc, "wDesc",
                      convDesc, yDesc, "yDesc", requested, returned, perf);
}

int cudnnFindConvolutionBackwardDataAlgorithm(void* h, void* wDesc, void* dyDesc, void* convDesc, void* dxDesc,
                                              int requested, int* returned, void* perf) {
    return algorithms("cudnnFindConvolutionBackwardDataAlgorithm", BWD_DATA, true, h, dxDesc, "dxDesc", wDesc, "wDesc",
                      convDesc, dyDesc, "dyDesc", requested, returned, perf);
}

int cudnnGetConvolutionBackwardDataAlgorithm_v7(void* h, void* wDesc, void* dyDesc, void* convDesc, void* dxDesc,
                                                int requested, int* returned, void* perf) {
    return algorithms("cudnnGetConvolutionBackwardDataAlgorithm_v7", BWD_DATA, false, h, dxDesc, "dxDesc", wDesc,
                      "wDesc", convDesc, dyDesc, "dyDesc", requested, returned, perf);
}

int cudnnFindConvolutionBackwardFilterAlgorithm(void* h, void* xDesc, void* dyDesc, void* convDesc, void* dwDesc,
                                                int requested, int* returned, void* perf) {
    return algorithms("cudnnFindConvolutionBackwardFilterAlgorithm", BWD_FILTER, true, h, xDesc, "xDesc", dwDesc,
                      "dwDesc", convDesc, dyDesc, "dyDesc", requested, returned, perf);
}

int cudnnGetConvolutionBackwardFilterAlgorithm_v7(void* h, void* xDesc, void* dyDesc, void* convDesc, void* dwDesc,
                                                  int requested, int* returned, void* perf) {
    return algorithms("cudnnGetConvolutionBackwardFilterAlgorithm_v7", BWD_FILTER, false, h, xDesc, "xDesc", dwDesc,
                      "dwDesc", convDesc, dyDesc, "dyDesc", requested, returned, perf);
}

int cudnnConvolutionForward(void* h, const void* alpha, void* xDesc, const void* x, void* wDesc, const void* w,
                            void* convDesc, int algo, void* workSpace, size_t wsSize, const void* beta, void* yDesc,
                            void* y) {
    return convolve("cudnnConvolutionForward", FWD, h, alpha, xDesc, "xDesc", wDesc, "wDesc", convDesc, yDesc, "yDesc",
                    algo, workSpace, wsSize, beta, Arg{"x", x, 0}, Arg{"w", w, 0}, Arg{"y", y, 0});
}

int cudnnConvolutionBackwardData(void* h, const void* alpha, void* wDesc, const void* w, void* dyDesc, const void* dy,
                                 void* convDesc, int algo, void* workSpace, size_t wsSize, const void* beta,
                                 void* dxDesc, void* dx) {
    return convolve("cudnnConvolutionBackwardData", BWD_DATA, h, alpha, dxDesc, "dxDesc", wDesc, "wDesc", convDesc,
                    dyDesc, "dyDesc", algo, workSpace, wsSize, beta, Arg{"w", w, 0}, Arg{"dy", dy, 0},
                    Arg{"dx", dx, 0});
}

int cudnnConvolutionBackwardFilter(void* h, const void* alpha, void* xDesc, const void* x, void* dyDesc,
                                   const void* dy, void* convDesc, int algo, void* workSpace, size_t wsSize,
                                   const void* beta, void* dwDesc, void* dw) {
    return convolve("cudnnConvolutionBackwardFilter", BWD_FILTER, h, alpha, xDesc, "xDesc", dwDesc, "dwDesc", convDesc,
                    dyDesc, "dyDesc", algo, workSpace, wsSize, beta, Arg{"x", x, 0}, Arg{"dy", dy, 0},
                    Arg{"dw", dw, 0});
}

}  // extern "C"

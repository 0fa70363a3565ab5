// The numerical self-test of hostcuda's cuDNN (dnn.cpp) and cuBLAS (blas.cpp) emulation, against
// reference loops written independently of them (double precision; forward as a gather per output,
// backward-data as a scatter, backward-filter as the derivative of <conv(x, w), dy> along each unit
// filter, SGEMM as a row-major triple loop over explicitly transposed copies). Its argument
// checks are exercised by the CUDA backend's own calls (HostCudaTest). Defines minimal stand-ins for
// the runtime half of hostcuda (isDevice, enqueue, drain, report).
//
//   g++ -std=c++17 -O2 -ffp-contract=off -Wall -Wextra -o /tmp/dnnst dnn_selftest.cpp dnn.cpp blas.cpp
//   /tmp/dnnst            (exit status 0 when all checks pass)
#include "hostcuda.h"

#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

// ---- the runtime stand-ins ----------------------------------------------------------------------

namespace {
std::map<uintptr_t, size_t> blocks;   // start -> bytes of each live "device" allocation
std::vector<std::function<void()>> queue;
const void* lastStream = nullptr;
}  // namespace

namespace hostcuda {
bool isDevice(const void* p, size_t bytes) {
    uintptr_t a = reinterpret_cast<uintptr_t>(p);
    auto it = blocks.upper_bound(a);
    if (it == blocks.begin()) return false;
    --it;
    return a >= it->first && a - it->first <= it->second && bytes <= it->second - (a - it->first);
}

void enqueue(const void* stream, std::function<void()> work) {
    lastStream = stream;
    queue.push_back(std::move(work));
}

void drain() {
    while (!queue.empty()) {
        std::vector<std::function<void()>> now;
        now.swap(queue);
        for (auto& w : now) w();
    }
}

int report(int code, const char* fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    std::fprintf(stderr, "    hostcuda: %s\n", buf);
    return code;
}
}  // namespace hostcuda

// ---- the API under test, declared as a C caller sees it ----------------------------------------

extern "C" {
size_t cudnnGetVersion();
const char* cudnnGetErrorString(int);
int cudnnCreate(void**);
int cudnnDestroy(void*);
int cudnnSetStream(void*, void*);
int cudnnCreateTensorDescriptor(void**);
int cudnnSetTensor4dDescriptor(void*, int, int, int, int, int, int);
int cudnnDestroyTensorDescriptor(void*);
int cudnnCreateFilterDescriptor(void**);
int cudnnSetFilter4dDescriptor(void*, int, int, int, int, int, int);
int cudnnDestroyFilterDescriptor(void*);
int cudnnCreateConvolutionDescriptor(void**);
int cudnnSetConvolution2dDescriptor(void*, int, int, int, int, int, int, int, int);
int cudnnSetConvolutionMathType(void*, int);
int cudnnDestroyConvolutionDescriptor(void*);
int cudnnFindConvolutionForwardAlgorithm(void*, void*, void*, void*, void*, int, int*, void*);
int cudnnGetConvolutionForwardAlgorithm_v7(void*, void*, void*, void*, void*, int, int*, void*);
int cudnnFindConvolutionBackwardDataAlgorithm(void*, void*, void*, void*, void*, int, int*, void*);
int cudnnGetConvolutionBackwardDataAlgorithm_v7(void*, void*, void*, void*, void*, int, int*, void*);
int cudnnFindConvolutionBackwardFilterAlgorithm(void*, void*, void*, void*, void*, int, int*, void*);
int cudnnGetConvolutionBackwardFilterAlgorithm_v7(void*, void*, void*, void*, void*, int, int*, void*);
int cudnnConvolutionForward(void*, const void*, void*, const void*, void*, const void*, void*, int, void*, size_t,
                            const void*, void*, void*);
int cudnnConvolutionBackwardData(void*, const void*, void*, const void*, void*, const void*, void*, int, void*, size_t,
                                 const void*, void*, void*);
int cudnnConvolutionBackwardFilter(void*, const void*, void*, const void*, void*, const void*, void*, int, void*,
                                   size_t, const void*, void*, void*);
int cublasCreate_v2(void**);
int cublasDestroy_v2(void*);
int cublasSetStream_v2(void*, void*);
int cublasSetMathMode(void*, int);
const char* cublasGetStatusName(int);
const char* cublasGetStatusString(int);
int cublasSgemm_v2(void*, int, int, int, int, int, const float*, const float*, int, const float*, int, const float*,
                   float*, int);
}

struct Perf {
    int algo;
    int status;
    float time;
    size_t memory;
    int determinism;
    int mathType;
    int reserved[3];
};
static_assert(sizeof(Perf) == 48);

// ---- test plumbing ------------------------------------------------------------------------------

namespace {

int failures = 0, checks = 0;

void check(bool ok, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void check(bool ok, const char* fmt, ...) {
    checks++;
    if (ok) return;
    failures++;
    va_list ap;
    va_start(ap, fmt);
    std::fprintf(stdout, "FAIL: ");
    std::vfprintf(stdout, fmt, ap);
    std::fprintf(stdout, "\n");
    va_end(ap);
}

std::mt19937 rng(12345);

struct Dev {   // one "device" allocation of floats
    float* p = nullptr;
    size_t count = 0;
    Dev() = default;
    explicit Dev(size_t n, bool random = true) : count(n) {
        p = static_cast<float*>(std::malloc(std::max<size_t>(n, 1) * 4));
        blocks[reinterpret_cast<uintptr_t>(p)] = n * 4;
        std::uniform_real_distribution<float> u(-1.0f, 1.0f);
        for (size_t i = 0; i < n; i++) p[i] = random ? u(rng) : 0.0f;
    }
    Dev(const Dev&) = delete;
    Dev& operator=(const Dev&) = delete;
    Dev(Dev&& o) noexcept : p(o.p), count(o.count) { o.p = nullptr; }
    Dev& operator=(Dev&& o) noexcept {
        release();
        p = o.p;
        count = o.count;
        o.p = nullptr;
        return *this;
    }
    ~Dev() { release(); }
    void release() {
        if (p) {
            blocks.erase(reinterpret_cast<uintptr_t>(p));
            std::free(p);
            p = nullptr;
        }
    }
    std::vector<float> host() const { return std::vector<float>(p, p + count); }
};

// TF32 written differently from hostcuda::tf32: keep 11 significant bits, ties to even (normal numbers)
double tf32ref(float v) {
    if (v == 0.0f || !std::isfinite(v)) return v;
    int e;
    double m = std::frexp(double(v), &e);   // v = m * 2^e, 0.5 <= |m| < 1
    return std::ldexp(std::nearbyint(std::ldexp(m, 11)), e - 11);
}

double dot(const float* a, const float* b, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; i++) s += double(a[i]) * b[i];
    return s;
}

// ---- convolution references ---------------------------------------------------------------------

struct Geo {
    int n, c, k, h, w, r, s, padH, padW, u, v, dilH, dilW, mode;
    int oh() const { return (h + 2 * padH - dilH * (r - 1) - 1) / u + 1; }
    int ow() const { return (w + 2 * padW - dilW * (s - 1) - 1) / v + 1; }
    size_t xs() const { return size_t(n) * c * h * w; }
    size_t ws() const { return size_t(k) * c * r * s; }
    size_t ys() const { return size_t(n) * k * oh() * ow(); }
};

// the filter tap index that multiplies input offset (a, b): flipped for CUDNN_CONVOLUTION (mode 0)
size_t widx(const Geo& g, int k, int c, int a, int b) {
    int fa = g.mode == 0 ? g.r - 1 - a : a, fb = g.mode == 0 ? g.s - 1 - b : b;
    return ((size_t(k) * g.c + c) * g.r + fa) * g.s + fb;
}

double op(float v, bool tf) { return tf ? tf32ref(v) : double(v); }

// y (value and sum of |terms|) by gathering each output's inputs
void refForward(const Geo& g, const float* x, const float* w, bool tf, std::vector<double>& val,
                std::vector<double>& mag) {
    val.assign(g.ys(), 0.0);
    mag.assign(g.ys(), 0.0);
    for (int n = 0; n < g.n; n++)
        for (int k = 0; k < g.k; k++)
            for (int oy = 0; oy < g.oh(); oy++)
                for (int ox = 0; ox < g.ow(); ox++) {
                    double s = 0, m = 0;
                    for (int c = 0; c < g.c; c++)
                        for (int a = 0; a < g.r; a++)
                            for (int b = 0; b < g.s; b++) {
                                int iy = oy * g.u - g.padH + a * g.dilH, ix = ox * g.v - g.padW + b * g.dilW;
                                if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
                                double t = op(x[((size_t(n) * g.c + c) * g.h + iy) * g.w + ix], tf) *
                                           op(w[widx(g, k, c, a, b)], tf);
                                s += t;
                                m += std::fabs(t);
                            }
                    size_t i = ((size_t(n) * g.k + k) * g.oh() + oy) * g.ow() + ox;
                    val[i] = s;
                    mag[i] = m;
                }
}

// dx by scattering each dy element back through the filter
void refBackwardData(const Geo& g, const float* w, const float* dy, bool tf, std::vector<double>& val,
                     std::vector<double>& mag) {
    val.assign(g.xs(), 0.0);
    mag.assign(g.xs(), 0.0);
    for (int n = 0; n < g.n; n++)
        for (int k = 0; k < g.k; k++)
            for (int oy = 0; oy < g.oh(); oy++)
                for (int ox = 0; ox < g.ow(); ox++) {
                    double d = op(dy[((size_t(n) * g.k + k) * g.oh() + oy) * g.ow() + ox], tf);
                    for (int c = 0; c < g.c; c++)
                        for (int a = 0; a < g.r; a++)
                            for (int b = 0; b < g.s; b++) {
                                int iy = oy * g.u - g.padH + a * g.dilH, ix = ox * g.v - g.padW + b * g.dilW;
                                if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
                                size_t i = ((size_t(n) * g.c + c) * g.h + iy) * g.w + ix;
                                double t = d * op(w[widx(g, k, c, a, b)], tf);
                                val[i] += t;
                                mag[i] += std::fabs(t);
                            }
                }
}

// dw[e] = d<conv(x, w), dy>/dw[e] = <conv(x, unit filter e), dy>: the forward reference per weight
void refBackwardFilter(const Geo& g, const float* x, const float* dy, bool tf, std::vector<double>& val,
                       std::vector<double>& mag) {
    val.assign(g.ws(), 0.0);
    mag.assign(g.ws(), 0.0);
    std::vector<float> unit(g.ws(), 0.0f);
    std::vector<double> yv, ym;
    for (size_t e = 0; e < g.ws(); e++) {
        unit[e] = 1.0f;
        refForward(g, x, unit.data(), tf, yv, ym);
        unit[e] = 0.0f;
        for (size_t i = 0; i < g.ys(); i++) {
            double t = yv[i] * op(dy[i], tf);
            val[e] += t;
            mag[e] += std::fabs(t);
        }
    }
}

// got == alpha * val + beta * old, within float accumulation error
bool compare(const char* what, const std::vector<float>& got, const std::vector<double>& val,
             const std::vector<double>& mag, const std::vector<float>& old, double alpha, double beta) {
    size_t bad = 0;
    double worst = 0;
    for (size_t i = 0; i < got.size(); i++) {
        double want = alpha * val[i] + (beta == 0 ? 0.0 : beta * old[i]);
        double tol = 2e-6 * (std::fabs(alpha) * mag[i] + std::fabs(beta * (beta == 0 ? 0.0 : old[i]))) + 1e-30;
        double err = std::fabs(got[i] - want);
        if (!(err <= tol)) bad++;
        if (std::isfinite(err)) worst = std::max(worst, err / tol);
    }
    check(bad == 0, "%s: %zu of %zu elements off (worst %.2f x tolerance)", what, bad, got.size(), worst);
    return bad == 0;
}

// ---- cuDNN fixtures -----------------------------------------------------------------------------

void* handle = nullptr;

struct Descs {
    void *x = nullptr, *w = nullptr, *conv = nullptr, *y = nullptr;
    Geo g;
    explicit Descs(const Geo& geo) : g(geo) {
        cudnnCreateTensorDescriptor(&x);
        cudnnCreateTensorDescriptor(&y);
        cudnnCreateFilterDescriptor(&w);
        cudnnCreateConvolutionDescriptor(&conv);
        check(cudnnSetTensor4dDescriptor(x, 0, 0, g.n, g.c, g.h, g.w) == 0, "set x");
        check(cudnnSetTensor4dDescriptor(y, 0, 0, g.n, g.k, g.oh(), g.ow()) == 0, "set y");
        check(cudnnSetFilter4dDescriptor(w, 0, 0, g.k, g.c, g.r, g.s) == 0, "set w");
        check(cudnnSetConvolution2dDescriptor(conv, g.padH, g.padW, g.u, g.v, g.dilH, g.dilW, g.mode, 0) == 0,
              "set conv");
    }
    ~Descs() {
        cudnnDestroyTensorDescriptor(x);
        cudnnDestroyTensorDescriptor(y);
        cudnnDestroyFilterDescriptor(w);
        cudnnDestroyConvolutionDescriptor(conv);
    }
};

enum Dir { FWD, BWD_DATA, BWD_FILTER };
const char* dirName[] = {"forward", "backward-data", "backward-filter"};
const int algoCount[] = {8, 6, 7};

std::vector<Perf> algos(Descs& d, Dir dir, bool find, int requested = 8) {
    std::vector<Perf> perf(requested);
    int returned = -1, st;
    if (dir == FWD) {
        st = (find ? cudnnFindConvolutionForwardAlgorithm : cudnnGetConvolutionForwardAlgorithm_v7)(
            handle, d.x, d.w, d.conv, d.y, requested, &returned, perf.data());
    } else if (dir == BWD_DATA) {
        st = (find ? cudnnFindConvolutionBackwardDataAlgorithm : cudnnGetConvolutionBackwardDataAlgorithm_v7)(
            handle, d.w, d.y, d.conv, d.x, requested, &returned, perf.data());
    } else {
        st = (find ? cudnnFindConvolutionBackwardFilterAlgorithm : cudnnGetConvolutionBackwardFilterAlgorithm_v7)(
            handle, d.x, d.y, d.conv, d.w, requested, &returned, perf.data());
    }
    check(st == 0 && returned == std::min(requested, algoCount[dir]), "%s %s: status %d, returned %d",
          dirName[dir], find ? "Find" : "Get_v7", st, returned);
    perf.resize(std::max(returned, 0));
    return perf;
}

int run(Dir dir, Descs& d, float alpha, float beta, int algo, void* ws, size_t wsSize, const void* x, const void* w,
        void* y) {
    // in the direction's own roles: forward (x, w -> y), backward-data (w, y=dy -> x=dx),
    // backward-filter (x, y=dy -> w=dw)
    switch (dir) {
        case FWD:
            return cudnnConvolutionForward(handle, &alpha, d.x, x, d.w, w, d.conv, algo, ws, wsSize, &beta, d.y, y);
        case BWD_DATA:
            return cudnnConvolutionBackwardData(handle, &alpha, d.w, w, d.y, y, d.conv, algo, ws, wsSize, &beta, d.x,
                                                const_cast<void*>(x));
        default:
            return cudnnConvolutionBackwardFilter(handle, &alpha, d.x, x, d.y, y, d.conv, algo, ws, wsSize, &beta, d.w,
                                                  const_cast<void*>(w));
    }
}

// The perf list's shape: every algorithm once, supported ones sorted by time with the fastest
// needing workspace and one needing none, the unsupported ones last; math type and determinism.
void checkPerf(const std::vector<Perf>& perf, Dir dir, bool find, int math) {
    const char* dn = dirName[dir];
    std::vector<int> seen(algoCount[dir], 0);
    bool unsupportedSeen = false, zero = false;
    float lastTime = -1e30f;
    for (size_t i = 0; i < perf.size(); i++) {
        const Perf& p = perf[i];
        check(p.algo >= 0 && p.algo < algoCount[dir] && !seen[p.algo]++, "%s perf[%zu]: algo %d", dn, i, p.algo);
        check(p.status == 0 || p.status == 3000, "%s perf[%zu]: status %d", dn, i, p.status);
        check(p.mathType == math && p.determinism == 1, "%s perf[%zu]: math %d determinism %d", dn, i, p.mathType,
              p.determinism);
        if (p.status == 0) {
            check(!unsupportedSeen, "%s perf[%zu]: a supported algorithm after an unsupported one", dn, i);
            if (find) {
                check(p.time > 0 && p.time >= lastTime, "%s perf[%zu]: time %g after %g", dn, i, p.time, lastTime);
                lastTime = p.time;
            }
            zero |= p.memory == 0;
        } else {
            unsupportedSeen = true;
        }
    }
    check(!perf.empty() && perf[0].status == 0 && perf[0].memory > 0, "%s: the first candidate needs workspace", dn);
    check(zero && unsupportedSeen && perf.back().status == 3000,
          "%s: a zero-workspace candidate and a NOT_SUPPORTED one last", dn);
}

// Every supported algorithm of every direction against the references, alpha/beta blending onto
// random outputs, and tensor-op math rounding its multiplicands (and FP32 not).
void convCase(const char* name, const Geo& g, int math, float alpha, float beta) {
    std::printf("conv %s: n%d c%d k%d %dx%d filter %dx%d pad %d,%d stride %d,%d dilation %d,%d mode %d math %d "
                "alpha %g beta %g\n",
                name, g.n, g.c, g.k, g.h, g.w, g.r, g.s, g.padH, g.padW, g.u, g.v, g.dilH, g.dilW, g.mode, math, alpha,
                beta);
    Descs d(g);
    check(cudnnSetConvolutionMathType(d.conv, math) == 0, "set math");
    const bool tf = math != 3;   // only FMA math rules TF32 out
    Dev x(g.xs()), w(g.ws()), y(g.ys());
    std::vector<double> val, mag, val32, mag32;
    for (Dir dir : {FWD, BWD_DATA, BWD_FILTER}) {
        const float* in1 = dir == BWD_DATA ? w.p : x.p;
        const float* in2 = dir == FWD ? w.p : y.p;
        Dev& out = dir == FWD ? y : dir == BWD_DATA ? x : w;
        if (dir == FWD) {
            refForward(g, in1, in2, tf, val, mag);
            refForward(g, in1, in2, false, val32, mag32);
        } else if (dir == BWD_DATA) {
            refBackwardData(g, in1, in2, tf, val, mag);
            refBackwardData(g, in1, in2, false, val32, mag32);
        } else {
            refBackwardFilter(g, in1, in2, tf, val, mag);
            refBackwardFilter(g, in1, in2, false, val32, mag32);
        }
        for (bool find : {true, false}) checkPerf(algos(d, dir, find), dir, find, math);
        const std::vector<float> old = out.host();
        std::vector<float> first;
        for (const Perf& p : algos(d, dir, true)) {
            if (p.status != 0) continue;
            Dev ws(p.memory / 4 + 1);
            std::copy(old.begin(), old.end(), out.p);
            int st = run(dir, d, alpha, beta, p.algo, p.memory ? ws.p : nullptr, p.memory, x.p, w.p, y.p);
            check(st == 0, "%s algo %d: status %d", dirName[dir], p.algo, st);
            check(out.host() == old, "%s algo %d: output written before the queue drained", dirName[dir], p.algo);
            hostcuda::drain();
            std::vector<float> got = out.host();
            char what[128];
            std::snprintf(what, sizeof what, "%s %s algo %d", name, dirName[dir], p.algo);
            compare(what, got, val, mag, old, alpha, beta);
            if (first.empty()) {
                first = got;
            } else {
                check(std::memcmp(first.data(), got.data(), got.size() * 4) == 0, "%s: not bitwise equal to algo %d",
                      what, algos(d, dir, true)[0].algo);
            }
        }
        // tensor-op math must differ from FP32 somewhere, FP32 math nowhere
        size_t differs = 0;
        for (size_t i = 0; i < first.size(); i++) {
            double want32 = alpha * val32[i] + beta * old[i];
            double tol = 2e-6 * (std::fabs(alpha) * mag32[i] + std::fabs(beta * old[i]));
            differs += std::fabs(first[i] - want32) > tol;
        }
        check(tf ? differs > 0 : differs == 0, "%s %s: %zu elements differ from FP32 math", name, dirName[dir], differs);
        std::copy(old.begin(), old.end(), out.p);
    }
}


// <conv(x, w), dy> == <x, bwdData(dy, w)> == <w, bwdFilter(x, dy)> (FP32 math, alpha 1, beta 0)
void gradientIdentity(const char* name, const Geo& g) {
    Descs d(g);
    check(cudnnSetConvolutionMathType(d.conv, 3) == 0, "set math");
    Dev x(g.xs()), w(g.ws()), dy(g.ys()), y(g.ys(), false), dx(g.xs(), false), dw(g.ws(), false);
    const float one = 1.0f, zero = 0.0f;
    int s1 = cudnnConvolutionForward(handle, &one, d.x, x.p, d.w, w.p, d.conv, 0, nullptr, 0, &zero, d.y, y.p);
    int s2 = cudnnConvolutionBackwardData(handle, &one, d.w, w.p, d.y, dy.p, d.conv, 0, nullptr, 0, &zero, d.x, dx.p);
    int s3 = cudnnConvolutionBackwardFilter(handle, &one, d.x, x.p, d.y, dy.p, d.conv, 0, nullptr, 0, &zero, d.w, dw.p);
    check(s1 == 0 && s2 == 0 && s3 == 0, "%s: statuses %d %d %d", name, s1, s2, s3);
    hostcuda::drain();
    double a = dot(y.p, dy.p, g.ys()), b = dot(x.p, dx.p, g.xs()), c = dot(w.p, dw.p, g.ws());
    double rel = std::max(std::fabs(a - b), std::fabs(a - c)) / std::max(std::fabs(a), 1e-30);
    std::printf("gradient identity %s: <conv(x,w),dy> %.9g  <x,bwdData> %.9g  <w,bwdFilter> %.9g  rel %.2e\n", name, a,
                b, c, rel);
    check(rel <= 1e-4, "%s: gradient identity off by %.2e", name, rel);
}

// ---- cuBLAS -------------------------------------------------------------------------------------

void* blas = nullptr;
bool tf32Disabled = false;   // NVIDIA_TF32_OVERRIDE=0

// one SGEMM against a row-major triple loop over explicitly transposed copies
void gemmCase(int ta, int tb, int m, int n, int k, int mode, float alpha, float beta, bool nanC = false) {
    const int rowsA = ta == 0 ? m : k, colsA = ta == 0 ? k : m, lda = rowsA + 3;
    const int rowsB = tb == 0 ? k : n, colsB = tb == 0 ? n : k, ldb = rowsB + 1;
    const int ldc = m + 2;
    Dev A(size_t(lda) * colsA), B(size_t(ldb) * colsB), C(size_t(ldc) * n);
    if (nanC) for (size_t i = 0; i < C.count; i++) C.p[i] = std::nanf("");
    const std::vector<float> c0 = C.host();
    // stored matrices as row-major arrays, then op() by an explicit transpose
    auto rowMajor = [](const float* p, int rows, int cols, int ld) {
        std::vector<std::vector<float>> r(rows, std::vector<float>(cols));
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) r[i][j] = p[i + size_t(j) * ld];
        return r;
    };
    auto transpose = [](const std::vector<std::vector<float>>& a) {
        std::vector<std::vector<float>> t(a.empty() ? 0 : a[0].size(), std::vector<float>(a.size()));
        for (size_t i = 0; i < a.size(); i++)
            for (size_t j = 0; j < a[i].size(); j++) t[j][i] = a[i][j];
        return t;
    };
    auto opA = rowMajor(A.p, rowsA, colsA, lda);
    if (ta != 0) opA = transpose(opA);
    auto opB = rowMajor(B.p, rowsB, colsB, ldb);
    if (tb != 0) opB = transpose(opB);
    const int base = mode & ~16;
    const bool tf = (base == 1 || base == 3) && !tf32Disabled;
    check(cublasSetMathMode(blas, mode) == 0, "cublasSetMathMode %d", mode);
    int st = cublasSgemm_v2(blas, ta, tb, m, n, k, &alpha, A.p, lda, B.p, ldb, &beta, C.p, ldc);
    check(st == 0, "sgemm %d%d: status %d", ta, tb, st);
    hostcuda::drain();
    size_t bad = 0, differs = 0;
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            double s = 0, mg = 0, s32 = 0;
            for (int l = 0; l < k; l++) {
                double t = op(opA[i][l], tf) * op(opB[l][j], tf);
                s += t;
                mg += std::fabs(t);
                s32 += double(opA[i][l]) * opB[l][j];
            }
            const size_t at = i + size_t(j) * ldc;
            double old = beta == 0 ? 0.0 : beta * double(c0[at]);
            double tol = 1e-5 * (std::fabs(alpha) * mg + std::fabs(old));
            bad += !(std::fabs(C.p[at] - (alpha * s + old)) <= tol);
            differs += std::fabs(C.p[at] - (alpha * s32 + old)) > tol;
        }
    for (int j = 0; j < n; j++)
        for (int i = m; i < ldc; i++) {
            const size_t at = i + size_t(j) * ldc;
            bad += std::memcmp(&C.p[at], &c0[at], 4) != 0;   // rows past m untouched
        }
    check(bad == 0, "sgemm %s%s m%d n%d k%d mode %d alpha %g beta %g: %zu wrong", ta == 0 ? "N" : ta == 1 ? "T" : "C",
          tb == 0 ? "N" : tb == 1 ? "T" : "C", m, n, k, mode, alpha, beta, bad);
    if (k >= 8 && alpha != 0) {
        check(tf ? differs > 0 : differs == 0, "sgemm mode %d: %zu elements differ from FP32", mode, differs);
    }
}

void cublasTests() {
    std::printf("cuBLAS\n");
    check(cublasCreate_v2(&blas) == 0 && cublasSetStream_v2(blas, reinterpret_cast<void*>(0x77)) == 0, "create");
    for (int ta = 0; ta < 3; ta++)
        for (int tb = 0; tb < 3; tb++) gemmCase(ta, tb, 5, 4, 19, 0, 1.5f, -0.25f);
    check(lastStream == reinterpret_cast<void*>(0x77), "sgemm queued on the handle's stream");
    gemmCase(0, 1, 6, 7, 33, 3, 0.5f, 2.0f);
    gemmCase(1, 0, 6, 7, 33, 3 | 16, 1.0f, 0.0f);
    gemmCase(0, 0, 6, 7, 33, 1, 1.0f, 0.0f);
    gemmCase(1, 1, 6, 7, 33, 2, 1.0f, 0.0f);   // pedantic: FP32
    gemmCase(0, 1, 6, 7, 33, 0, 1.0f, 0.0f, true);   // beta 0 overwrites NaN
    gemmCase(1, 0, 3, 2, 0, 0, 1.0f, 0.5f);    // k 0: C = beta C
    gemmCase(0, 0, 64, 10, 4096, 0, 1.0f, 0.0f);   // a classifier-layer shape
    setenv("NVIDIA_TF32_OVERRIDE", "0", 1);
    tf32Disabled = true;
    gemmCase(0, 1, 6, 7, 33, 3, 1.0f, 0.0f);
    unsetenv("NVIDIA_TF32_OVERRIDE");
    tf32Disabled = false;
    cublasSetMathMode(blas, 0);
    {   // A and B are not read when alpha is 0, nothing is read when m is 0
        Dev C(12);
        const std::vector<float> c0 = C.host();
        const float zero = 0.0f, two = 2.0f, one = 1.0f;
        check(cublasSgemm_v2(blas, 0, 0, 3, 4, 5, &zero, nullptr, 3, nullptr, 5, &two, C.p, 3) == 0, "alpha 0");
        hostcuda::drain();
        bool ok = true;
        for (int i = 0; i < 12; i++) ok &= C.p[i] == 2.0f * c0[i];
        check(ok, "alpha 0: C = 2 C");
        check(cublasSgemm_v2(blas, 0, 0, 0, 4, 5, &one, nullptr, 1, nullptr, 5, &one, nullptr, 1) == 0 && queue.empty(),
              "m 0: nothing to do");
    }

    check(cublasDestroy_v2(blas) == 0, "destroy");
}

}  // namespace

int main() {
    check(cudnnCreate(&handle) == 0 && cudnnSetStream(handle, nullptr) == 0, "cudnnCreate");
    //                   n  c  k   h  w  r  s pH pW  u  v dH dW mode
    const Geo pad1xc{2, 3, 4, 7, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1};
    const Geo pad1cv{2, 3, 4, 7, 6, 3, 3, 1, 1, 1, 1, 1, 1, 0};
    const Geo s2d2xc{2, 3, 2, 11, 9, 3, 2, 2, 1, 2, 2, 2, 2, 1};
    const Geo s2d2cv{2, 3, 2, 11, 9, 3, 2, 2, 1, 2, 2, 2, 2, 0};
    convCase("pad1 cross-correlation FMA", pad1xc, 3, 0.75f, -0.5f);
    convCase("pad1 cross-correlation TF32", pad1xc, 1, 1.25f, 0.5f);
    convCase("pad1 cross-correlation TF32 allow-conversion", pad1xc, 2, 1.0f, 0.0f);
    convCase("pad1 convolution default (TF32 allowed)", pad1cv, 0, -1.5f, 0.25f);
    convCase("pad1 convolution TF32", pad1cv, 1, 0.75f, -0.5f);
    convCase("stride2 dilation2 cross-correlation FMA", s2d2xc, 3, 0.75f, -0.5f);
    convCase("stride2 dilation2 convolution TF32", s2d2cv, 1, 1.25f, 0.5f);
    const Geo asym{3, 2, 3, 10, 13, 2, 3, 0, 2, 3, 2, 1, 2, 0};   // every per-axis parameter different
    convCase("asymmetric convolution FMA", asym, 3, 0.5f, 1.0f);
    setenv("NVIDIA_TF32_OVERRIDE", "0", 1);
    {
        Descs d(pad1xc);   // TF32 math with the override runs FP32: same bits as FMA math
        Dev x(pad1xc.xs()), w(pad1xc.ws()), y1(pad1xc.ys()), y2(pad1xc.ys());
        const float one = 1.0f, zero = 0.0f;
        cudnnSetConvolutionMathType(d.conv, 1);
        cudnnConvolutionForward(handle, &one, d.x, x.p, d.w, w.p, d.conv, 0, nullptr, 0, &zero, d.y, y1.p);
        cudnnSetConvolutionMathType(d.conv, 3);
        cudnnConvolutionForward(handle, &one, d.x, x.p, d.w, w.p, d.conv, 0, nullptr, 0, &zero, d.y, y2.p);
        hostcuda::drain();
        check(std::memcmp(y1.p, y2.p, pad1xc.ys() * 4) == 0, "NVIDIA_TF32_OVERRIDE=0 turns TF32 off");
    }
    unsetenv("NVIDIA_TF32_OVERRIDE");
    gradientIdentity("pad1 cross-correlation", Geo{3, 5, 4, 9, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1});
    gradientIdentity("pad1 convolution", Geo{3, 5, 4, 9, 8, 3, 3, 1, 1, 1, 1, 1, 1, 0});
    gradientIdentity("stride2 dilation2 convolution", Geo{3, 5, 4, 13, 12, 3, 2, 2, 1, 2, 2, 2, 2, 0});
    gradientIdentity("asymmetric cross-correlation", Geo{2, 3, 2, 10, 13, 2, 3, 0, 2, 3, 2, 1, 2, 1});
    cublasTests();
    check(cudnnDestroy(handle) == 0, "cudnnDestroy");
    std::printf("%d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}

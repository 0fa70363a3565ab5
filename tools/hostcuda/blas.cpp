// hostcuda cuBLAS: the cuBLAS 13 calls CudaBackend makes (handle, stream, math mode, SGEMM),
// emulated on the CPU (see hostcuda.h). Column-major as cuBLAS, FP32 or TF32 multiplies.
//
// SGEMM validates its arguments as cuBLAS does before anything is queued (INVALID_VALUE for a bad
// op, size or leading dimension; NOT_INITIALIZED for a handle that is NULL or not live) and reports
// the function and the value. A NULL alpha, beta or matrix gives INVALID_VALUE; a matrix whose
// column-major extent is not inside one device allocation gives EXECUTION_FAILED (a GPU would fault). As in
// cuBLAS, A and B are not read when k == 0 or alpha == 0, and C is not read when beta == 0.
// The arithmetic is queued on the handle's stream with alpha, beta and the math mode copied at call
// time; when it runs it checks the matrices are still allocated. Queued work calls
// hostcuda::isDevice and hostcuda::report from inside hostcuda::drain.
#include "hostcuda.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_set>
#include <vector>

namespace {

using hostcuda::report;

constexpr int SUCCESS = 0;
constexpr int NOT_INITIALIZED = 1;
constexpr int INVALID_VALUE = 7;
constexpr int EXECUTION_FAILED = 13;

constexpr int OP_N = 0;
constexpr int TENSOR_OP_MATH = 1;
constexpr int TF32_TENSOR_OP_MATH = 3;
constexpr int DISALLOW_REDUCED_PRECISION_REDUCTION = 16;

struct Handle {
    const void* stream = nullptr;
    int mathMode = 0;   // CUBLAS_DEFAULT_MATH
};

std::mutex mu;
std::unordered_set<const void*>& live() {
    static std::unordered_set<const void*> handles;
    return handles;
}

int lookup(const char* fn, void* handle, Handle*& out) {
    out = nullptr;
    if (handle == nullptr) {
        return report(NOT_INITIALIZED, "%s: handle is NULL", fn);
    }
    if (live().count(handle) == 0) {
        return report(NOT_INITIALIZED, "%s: handle %p is not a live cublasHandle_t (destroyed, or never created)", fn,
                      handle);
    }
    out = static_cast<Handle*>(handle);
    return SUCCESS;
}

// TF32 multiplies for the tensor-op math modes, unless NVIDIA_TF32_OVERRIDE=0 (as in cuBLAS)
bool useTf32(int mathMode) {
    int base = mathMode & ~DISALLOW_REDUCED_PRECISION_REDUCTION;
    if (base != TENSOR_OP_MATH && base != TF32_TENSOR_OP_MATH) return false;
    const char* env = std::getenv("NVIDIA_TF32_OVERRIDE");
    return env == nullptr || std::strcmp(env, "0") != 0;
}

const char* opName(int op) { return op == 0 ? "N" : op == 1 ? "T" : "C"; }

// bytes spanned by a column-major rows x cols matrix with leading dimension ld (rows, cols > 0)
size_t extent(int rows, int cols, int ld) { return (size_t(cols - 1) * size_t(ld) + size_t(rows)) * 4; }

struct Matrix {
    const char* name;
    const void* ptr;
    size_t bytes;
};

int checkMatrix(const char* fn, const Matrix& m, int rows, int cols, int ld) {
    if (m.ptr == nullptr) {
        return report(INVALID_VALUE, "%s: %s is NULL (%dx%d, ld %d)", fn, m.name, rows, cols, ld);
    }
    if (!hostcuda::isDevice(m.ptr, m.bytes)) {
        return report(EXECUTION_FAILED, "%s: %s %p..+%zu bytes (%dx%d, ld %d) is not inside one device allocation", fn,
                      m.name, m.ptr, m.bytes, rows, cols, ld);
    }
    return SUCCESS;
}

// C = alpha * op(A) * op(B) + beta * C, column-major; each element sums over l = 0..k-1 in order
void sgemm(int ta, int tb, int m, int n, int k, float alpha, const float* A, int lda, const float* B, int ldb,
           float beta, float* C, int ldc, bool tf) {
    std::vector<float> acc(static_cast<size_t>(m));
    std::vector<float> a;   // op(A), m x k, contiguous and rounded
    const bool product = k > 0 && alpha != 0.0f;
    if (product) {
        a.resize(size_t(m) * k);
        for (int l = 0; l < k; l++) {
            for (int i = 0; i < m; i++) {
                float v = ta == OP_N ? A[i + size_t(l) * lda] : A[l + size_t(i) * lda];
                a[i + size_t(l) * m] = tf ? hostcuda::tf32(v) : v;
            }
        }
    }
    for (int j = 0; j < n; j++) {
        std::fill(acc.begin(), acc.end(), 0.0f);
        if (product) {
            for (int l = 0; l < k; l++) {
                float b = tb == OP_N ? B[l + size_t(j) * ldb] : B[j + size_t(l) * ldb];
                if (tf) b = hostcuda::tf32(b);
                const float* col = a.data() + size_t(l) * m;
                for (int i = 0; i < m; i++) acc[i] += col[i] * b;
            }
        }
        float* c = C + size_t(j) * ldc;
        if (beta == 0.0f) {   // C is not read: whatever it held (NaN included) is overwritten
            for (int i = 0; i < m; i++) c[i] = alpha * acc[i];
        } else {
            for (int i = 0; i < m; i++) c[i] = alpha * acc[i] + beta * c[i];
        }
    }
}

}  // namespace

extern "C" {

const char* cublasGetStatusName(int status) {
    switch (status) {
        case 0: return "CUBLAS_STATUS_SUCCESS";
        case 1: return "CUBLAS_STATUS_NOT_INITIALIZED";
        case 3: return "CUBLAS_STATUS_ALLOC_FAILED";
        case 7: return "CUBLAS_STATUS_INVALID_VALUE";
        case 8: return "CUBLAS_STATUS_ARCH_MISMATCH";
        case 11: return "CUBLAS_STATUS_MAPPING_ERROR";
        case 13: return "CUBLAS_STATUS_EXECUTION_FAILED";
        case 14: return "CUBLAS_STATUS_INTERNAL_ERROR";
        case 15: return "CUBLAS_STATUS_NOT_SUPPORTED";
        case 16: return "CUBLAS_STATUS_LICENSE_ERROR";
        default: return "CUBLAS_STATUS_UNKNOWN";
    }
}

const char* cublasGetStatusString(int status) {
    switch (status) {
        case 0: return "success";
        case 1: return "the library was not initialized";
        case 3: return "the resource allocation failed";
        case 7: return "an invalid numeric value was used as an argument";
        case 8: return "an absent device architectural feature is required";
        case 11: return "an access to GPU memory space failed";
        case 13: return "the GPU program failed to execute";
        case 14: return "an internal operation failed";
        case 15: return "the functionality requested is not supported";
        case 16: return "error detected trying to check the license";
        default: return "unknown error";
    }
}

int cublasCreate_v2(void** handle) {
    std::lock_guard<std::mutex> lock(mu);
    if (handle == nullptr) {
        return report(INVALID_VALUE, "cublasCreate_v2: the output pointer is NULL");
    }
    Handle* h = new Handle();
    live().insert(h);
    *handle = h;
    return SUCCESS;
}

int cublasDestroy_v2(void* handle) {
    std::lock_guard<std::mutex> lock(mu);
    Handle* h;
    if (int st = lookup("cublasDestroy_v2", handle, h)) return st;
    live().erase(h);
    delete h;
    return SUCCESS;
}

int cublasSetStream_v2(void* handle, void* stream) {
    std::lock_guard<std::mutex> lock(mu);
    Handle* h;
    if (int st = lookup("cublasSetStream_v2", handle, h)) return st;
    h->stream = stream;
    return SUCCESS;
}

int cublasSetMathMode(void* handle, int mode) {
    std::lock_guard<std::mutex> lock(mu);
    Handle* h;
    if (int st = lookup("cublasSetMathMode", handle, h)) return st;
    int base = mode & ~DISALLOW_REDUCED_PRECISION_REDUCTION;
    if (base < 0 || base > TF32_TENSOR_OP_MATH) {
        return report(INVALID_VALUE,
                      "cublasSetMathMode: mode %d is not DEFAULT 0, TENSOR_OP 1, PEDANTIC 2 or TF32_TENSOR_OP 3 "
                      "(optionally | 16)",
                      mode);
    }
    h->mathMode = mode;
    return SUCCESS;
}

int cublasSgemm_v2(void* handle, int transa, int transb, int m, int n, int k, const float* alpha, const float* A,
                   int lda, const float* B, int ldb, const float* beta, float* C, int ldc) {
    static const char* fn = "cublasSgemm_v2";
    std::lock_guard<std::mutex> lock(mu);
    Handle* h;
    if (int st = lookup(fn, handle, h)) return st;
    if (transa < 0 || transa > 2) return report(INVALID_VALUE, "%s: transa %d is not N 0, T 1 or C 2", fn, transa);
    if (transb < 0 || transb > 2) return report(INVALID_VALUE, "%s: transb %d is not N 0, T 1 or C 2", fn, transb);
    if (m < 0 || n < 0 || k < 0) return report(INVALID_VALUE, "%s: m,n,k = %d,%d,%d must not be negative", fn, m, n, k);
    const int rowsA = transa == OP_N ? m : k, colsA = transa == OP_N ? k : m;
    const int rowsB = transb == OP_N ? k : n, colsB = transb == OP_N ? n : k;
    if (lda < std::max(1, rowsA)) {
        return report(INVALID_VALUE, "%s: lda %d < %d, the rows of A (transa %s, m %d, k %d)", fn, lda,
                      std::max(1, rowsA), opName(transa), m, k);
    }
    if (ldb < std::max(1, rowsB)) {
        return report(INVALID_VALUE, "%s: ldb %d < %d, the rows of B (transb %s, k %d, n %d)", fn, ldb,
                      std::max(1, rowsB), opName(transb), k, n);
    }
    if (ldc < std::max(1, m)) {
        return report(INVALID_VALUE, "%s: ldc %d < %d, the rows of C (m)", fn, ldc, std::max(1, m));
    }
    if (m == 0 || n == 0) {
        return SUCCESS;   // nothing to compute; no pointer is read
    }
    if (alpha == nullptr) return report(INVALID_VALUE, "%s: alpha is NULL", fn);
    if (beta == nullptr) return report(INVALID_VALUE, "%s: beta is NULL", fn);
    // the handle's pointer mode is host (the default, never changed by the backend): a device
    // address here would fault on the host
    if (hostcuda::isDevice(alpha, 0) || hostcuda::isDevice(beta, 0)) {
        return report(INVALID_VALUE, "%s: alpha or beta points into device memory, but the pointer mode is host", fn);
    }
    const float al = *alpha, be = *beta;
    const bool product = k > 0 && al != 0.0f;
    if (!product && be == 1.0f) {
        return SUCCESS;   // C = C: cuBLAS returns at once, reading nothing
    }
    const Matrix a{"A", A, product ? extent(rowsA, colsA, lda) : 0};
    const Matrix b{"B", B, product ? extent(rowsB, colsB, ldb) : 0};
    const Matrix c{"C", C, extent(m, n, ldc)};
    if (product) {
        if (int st = checkMatrix(fn, a, rowsA, colsA, lda)) return st;
        if (int st = checkMatrix(fn, b, rowsB, colsB, ldb)) return st;
    }
    if (int st = checkMatrix(fn, c, m, n, ldc)) return st;
    const bool tf = useTf32(h->mathMode);
    hostcuda::enqueue(h->stream, [=]() {
        for (const Matrix& x : {a, b, c}) {
            if (x.bytes > 0 && !hostcuda::isDevice(x.ptr, x.bytes)) {
                report(EXECUTION_FAILED, "%s (queued): %s %p..+%zu bytes was freed before the work ran; skipped", fn,
                       x.name, x.ptr, x.bytes);
                return;
            }
        }
        sgemm(transa, transb, m, n, k, al, A, lda, B, ldb, be, C, ldc, tf);
    });
    return SUCCESS;
}

}  // extern "C"

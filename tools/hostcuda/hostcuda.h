// hostcuda: the CUDA runtime, driver, NVRTC, cuDNN and cuBLAS calls the CUDA backend makes, emulated
// on the CPU, so that CudaBackend's host code (descriptors, buffer sizes and offsets, argument
// orders, stream ordering, read-back timing) runs end to end without a GPU. Built into one
// libhostcuda.so that stands in for libcuda.so.1, libcudart.so.13, libnvrtc.so.13,
// libcudnn*.so.9 and libcublas*.so.13 (see build.sh); every other entry point the JavaCPP JNI
// libraries import is a stub that reports itself and fails.
//
// Device memory is host memory. Work queued on a stream does not run when it is queued: it runs at
// the next synchronisation point that covers it (that stream's or one of its events' synchronize, a
// device-wide synchronising call), in queue order, as a GPU may. Host code that reads results too early, or rewrites a pinned buffer an
// earlier asynchronous copy still reads from, therefore gets the wrong data here too.
// HOSTCUDA_SYNC=1 runs all work at once instead.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>

namespace hostcuda {

// true when [p, p + bytes) lies inside one live cudaMalloc block
bool isDevice(const void* p, size_t bytes);

// queues work on a stream (nullptr: the legacy default stream); each stream has its own queue, run
// only when something synchronises with that stream (or the whole device)
void enqueue(const void* stream, std::function<void()> work);

// runs everything queued so far on every stream, oldest first (what device-wide synchronising calls,
// such as cuDNN's Find*, cudaFree or a blocking cudaMemcpy, do first)
void drain();

// prints "hostcuda: <message>" on stderr and returns code, for the caller to return
int report(int code, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

// the value a TF32 tensor core multiplies: v rounded to 10 explicit mantissa bits, nearest even
inline float tf32(float v) {
    uint32_t u;
    __builtin_memcpy(&u, &v, 4);
    if ((u & 0x7f800000u) != 0x7f800000u) {   // leave inf and NaN alone
        u += 0xfffu + ((u >> 13) & 1u);
        u &= 0xffffe000u;
    }
    __builtin_memcpy(&v, &u, 4);
    return v;
}

}  // namespace hostcuda

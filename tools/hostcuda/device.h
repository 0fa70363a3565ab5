// Compiles CUDA C kernels (kernels.cu) as host C++ for hostcuda's NVRTC: the threads of a block are
// fibers (ucontext) on one OS thread that switch at __syncthreads, so a block's barriers and its
// __shared__ arrays (function statics here) behave as on a GPU; blocks run one after another.
// Between two barriers the threads run in index order, or in reverse with HOSTCUDA_REVERSE_THREADS=1
// (a missing barrier between a write and another thread's read fails in one of the two orders).
// Float arithmetic is IEEE single precision without contraction (the module is built with
// -ffp-contract=off, as the kernels are compiled with --fmad=false).
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <math.h>
#include <cstdlib>
#include <memory>
#include <sys/mman.h>
#include <tuple>
#include <type_traits>
#include <ucontext.h>
#include <vector>

#include "kernel_call.h"

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __restrict__ __restrict
#define __shared__ static

namespace hostcuda_device {

inline hostcuda::Dim3 threadIdx, blockIdx, blockDim, gridDim;

struct Fiber {
    ucontext_t ctx;
    bool done = false;
};

inline ucontext_t scheduler;
inline std::vector<Fiber> fibers;
inline std::vector<char*> stacks;  // each above an inaccessible page: an overflow faults
inline unsigned current;
inline const std::function<void()>* body;
constexpr size_t STACK = 64 * 1024, GUARD = 4096;
inline const bool reverse = [] {
    const char* r = std::getenv("HOSTCUDA_REVERSE_THREADS");
    return r != nullptr && r[0] == '1';
}();

inline void syncthreads() {
    swapcontext(&fibers[current].ctx, &scheduler);
}

inline void trampoline() {
    (*body)();
    fibers[current].done = true;
}

inline hostcuda::Dim3 unflatten(unsigned i, hostcuda::Dim3 d) {
    return {i % d.x, (i / d.x) % d.y, i / (d.x * d.y)};
}

// runs fn once per thread of every block of the grid
inline void run(hostcuda::Dim3 grid, hostcuda::Dim3 block, const std::function<void()>& fn) {
    unsigned n = block.x * block.y * block.z;
    fibers.resize(n);
    while (stacks.size() < n) {
        void* m = mmap(nullptr, GUARD + STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) std::abort();
        mprotect(m, GUARD, PROT_NONE);
        stacks.push_back((char*) m + GUARD);
    }
    gridDim = grid;
    blockDim = block;
    body = &fn;
    unsigned blocks = grid.x * grid.y * grid.z;
    for (unsigned b = 0; b < blocks; b++) {
        blockIdx = unflatten(b, grid);
        for (unsigned t = 0; t < n; t++) {
            Fiber& f = fibers[t];
            f.done = false;
            getcontext(&f.ctx);
            f.ctx.uc_stack.ss_sp = stacks[t];
            f.ctx.uc_stack.ss_size = STACK;
            f.ctx.uc_link = &scheduler;
            makecontext(&f.ctx, trampoline, 0);
        }
        // each round runs every thread to its next barrier (or its end): all arrive before any goes on
        for (unsigned left = n; left > 0;) {
            left = 0;
            for (unsigned i = 0; i < n; i++) {
                unsigned t = reverse ? n - 1 - i : i;
                if (!fibers[t].done) {
                    current = t;
                    threadIdx = unflatten(t, block);
                    swapcontext(&scheduler, &fibers[t].ctx);
                    left += fibers[t].done ? 0 : 1;
                }
            }
        }
    }
}

template <class T>
T arg(void* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

template <class... A, size_t... I>
hostcuda::KernelCall* bindKernel(void (*kernel)(A...), void** params, std::index_sequence<I...>) {
    auto* call = new hostcuda::KernelCall();
    std::tuple<std::decay_t<A>...> args{arg<std::decay_t<A>>(params[I])...};
    (
        [&] {
            if constexpr (std::is_pointer_v<std::decay_t<A>>) {
                using Pointee = std::remove_cv_t<std::remove_pointer_t<std::decay_t<A>>>;
                call->pointers.push_back({(int) I, (const void*) std::get<I>(args), alignof(Pointee)});
            }
        }(),
        ...);
    call->run = [kernel, args](hostcuda::Dim3 grid, hostcuda::Dim3 block) {
        run(grid, block, [&] { std::apply(kernel, args); });
    };
    return call;
}

template <class... A>
hostcuda::KernelCall* bindKernel(void (*kernel)(A...), void** params) {
    return hostcuda_device::bindKernel(kernel, params, std::index_sequence_for<A...>{});
}

}  // namespace hostcuda_device

#define threadIdx hostcuda_device::threadIdx
#define blockIdx hostcuda_device::blockIdx
#define blockDim hostcuda_device::blockDim
#define gridDim hostcuda_device::gridDim
inline void __syncthreads() { hostcuda_device::syncthreads(); }
inline float __int_as_float(unsigned v) { float f; std::memcpy(&f, &v, 4); return f; }
inline int __float_as_int(float v) { int i; std::memcpy(&i, &v, 4); return i; }

// one line per kernel in the generated module: extern "C" KernelCall* hostcuda_bind_<name>(void**)
#define HOSTCUDA_KERNEL(name) \
    extern "C" hostcuda::KernelCall* hostcuda_bind_##name(void** params) { return hostcuda_device::bindKernel(name, params); }

// What an emulated kernel module hands the runtime for one launch: the launch itself, with the
// arguments already copied (as cuLaunchKernel copies them), and the pointer arguments, which the
// runtime checks against the device blocks before it queues the launch.
#pragma once
#include <functional>
#include <vector>

namespace hostcuda {

struct Dim3 {
    unsigned x = 1, y = 1, z = 1;
};

struct PointerArg {
    int index;
    const void* value;
    size_t align;  // of the type it points to
};

struct KernelCall {
    std::function<void(Dim3 grid, Dim3 block)> run;
    std::vector<PointerArg> pointers;
};

// the symbol a module exports per kernel: KernelCall* hostcuda_bind_<name>(void** params)
using BindFn = KernelCall* (*)(void** params);

}  // namespace hostcuda

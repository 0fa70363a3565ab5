// Runs kernels.cu on the CPU: each block's threads are real threads (std::thread) that meet at
// __syncthreads (std::barrier); blocks run one after another, so `static` stands in for __shared__.
// Float arithmetic is IEEE single precision without FMA contraction (-ffp-contract=off), as the
// kernels are compiled with --fmad=false. Used by KernelHostEmulationTest: reads in.bin, runs the
// backend's launch sequences, writes out.bin. Record format: int32 count, int32 element size (4 or 8), data.
#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <math.h>
#include <thread>
#include <vector>

struct Dim3 { unsigned x = 0, y = 0, z = 0; };
thread_local Dim3 threadIdx, blockIdx;
Dim3 blockDim, gridDim;
static std::barrier<>* blockBarrier;
inline void __syncthreads() { blockBarrier->arrive_and_wait(); }
inline float __int_as_float(unsigned v) { float f; std::memcpy(&f, &v, 4); return f; }
#define __global__
#define __device__
#define __shared__ static

#include "kernels.cu"

template <class F> void launch(unsigned gx, unsigned gy, unsigned block, F kernel) {
    gridDim = {gx, gy, 1};
    blockDim = {block, 1, 1};
    for (unsigned by = 0; by < gy; by++) {
        for (unsigned bx = 0; bx < gx; bx++) {
            std::barrier<> bar(block);
            blockBarrier = &bar;
            std::vector<std::thread> threads;
            for (unsigned t = 0; t < block; t++) {
                threads.emplace_back([&, t, bx, by] { threadIdx = {t, 0, 0}; blockIdx = {bx, by, 0}; kernel(); });
            }
            for (auto& th : threads) th.join();
        }
    }
}
// the 1-D kernels: a small grid, so that the grid-stride loops wrap
template <class F> void launch1d(F kernel) { launch(3, 1, 64, kernel); }

static std::vector<std::vector<float>> inputs;
static FILE* out;

static void put(const float* p, int n) { int h[2] = {n, 4}; fwrite(h, 4, 2, out); fwrite(p, 4, n, out); }
static void put(const std::vector<float>& v) { put(v.data(), (int) v.size()); }
static void putd(const std::vector<double>& v) { int h[2] = {(int) v.size(), 8}; fwrite(h, 4, 2, out); fwrite(v.data(), 8, v.size(), out); }

int main(int argc, char** argv) {
    FILE* in = fopen(argv[1], "rb");
    int h[2];
    while (fread(h, 4, 2, in) == 2) {
        std::vector<float> v(h[0]);
        if (fread(v.data(), 4, h[0], in) != (size_t) h[0]) return 3;
        inputs.push_back(v);
    }
    fclose(in);
    out = fopen(argv[2], "wb");
    const int T = 3, B = 6, C = 4, S = 81;
    const int per = B * C * S, total = T * per;
    const float eps = 1e-4f, mom = 0.1f, leak = 0.9f, theta = 1.0f;
    for (int sigmoid = 0; sigmoid <= 1; sigmoid++) {
        std::vector<float> z = inputs[0], gamma = inputs[1], rm = inputs[2], rv = inputs[3], gs = inputs[4];
        std::vector<float> mean(T * C), inv(T * C), mem(total), spikes(total), sumG(T * C), sumGx(T * C), gg = inputs[16];
        launch(C, T, BLOCK, [&] { bntt_stats(z.data(), rm.data(), rv.data(), mean.data(), inv.data(), B, C, S, eps, mom, 1); });
        launch1d([&] { bntt_lif_forward(z.data(), gamma.data(), mean.data(), inv.data(), z.data(), mem.data(), spikes.data(),
                                        T, B, C, S, leak, theta, sigmoid); });
        launch1d([&] { bntt_lif_backward_mem(gs.data(), mem.data(), gs.data(), T, B, C, S, leak, theta, sigmoid); });
        launch(C, T, BLOCK, [&] { bntt_backward_sums(gs.data(), z.data(), sumG.data(), sumGx.data(), gg.data(), B, C, S); });
        launch1d([&] { bntt_backward_finish(gs.data(), z.data(), gamma.data(), inv.data(), sumG.data(), sumGx.data(), total, B, C, S); });
        for (auto* v : {&rm, &rv, &mean, &inv, &z, &mem, &spikes, &gs, &gg, &sumG, &sumGx}) put(*v);
    }
    {   // inference: running statistics, heaviside
        std::vector<float> z = inputs[0], gamma = inputs[1], rm = inputs[2], rv = inputs[3];
        std::vector<float> mean(T * C), inv(T * C), mem(total), spikes(total);
        launch(C, T, BLOCK, [&] { bntt_stats(z.data(), rm.data(), rv.data(), mean.data(), inv.data(), B, C, S, eps, mom, 0); });
        launch1d([&] { bntt_lif_forward(z.data(), gamma.data(), mean.data(), inv.data(), z.data(), mem.data(), spikes.data(),
                                        T, B, C, S, leak, theta, 0); });
        for (auto* v : {&rm, &rv, &mean, &inv, &z, &mem, &spikes}) put(*v);
    }
    {
        std::vector<float> y(3 * 4 * 3 * 4), dx(3 * 4 * 7 * 9);
        launch1d([&] { avgpool2_forward(inputs[5].data(), y.data(), 12, 7, 9, 3, 4); });
        launch1d([&] { avgpool2_backward(inputs[6].data(), dx.data(), 12, 7, 9, 3, 4); });
        put(y);
        put(dx);
        std::vector<float> tm(60), tmdx(240);
        launch1d([&] { time_mean(inputs[7].data(), tm.data(), 60, 4); });
        launch1d([&] { time_mean_backward(inputs[8].data(), tmdx.data(), 60, 4); });
        put(tm);
        put(tmdx);
        std::vector<int> labels(7);
        for (int i = 0; i < 7; i++) labels[i] = (int) inputs[10][i];
        std::vector<float> grad(70);
        std::vector<double> rows(7);
        launch1d([&] { softmax_xent(inputs[9].data(), labels.data(), grad.data(), rows.data(), 7, 10); });
        put(grad);
        putd(rows);
        std::vector<float> p = inputs[11], g = inputs[12], v = inputs[13];
        launch1d([&] { sgd_momentum(p.data(), g.data(), v.data(), 0.05f, 0.9f, 1e-4f, 1000); });
        put(p);
        put(v);
        std::vector<float> f(777), ay = inputs[15];
        launch1d([&] { fill_f32(f.data(), 0.37f, 777); });
        launch1d([&] { axpy_f32(-1.5f, inputs[14].data(), ay.data(), 777); });
        put(f);
        put(ay);
        std::vector<unsigned char> counts(inputs[17].size());
        for (size_t i = 0; i < counts.size(); i++) counts[i] = (unsigned char) inputs[17][i];
        std::vector<float> expanded(counts.size());
        launch1d([&] { u8_to_f32(counts.data(), expanded.data(), (int) counts.size()); });
        put(expanded);
    }
    fclose(out);
    return 0;
}

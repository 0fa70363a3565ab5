// Kernels of the CUDA backend (compiled at run time with NVRTC, --fmad=false).
//
// Every kernel mirrors, operation by operation, the pure-Java reference in
// io.spikestream.trainer.backend.cuda.ReferenceKernels (and through it the ND4J backend): the same
// float operations in the same order, doubles where the reference uses doubles. With FMA
// contraction off, float arithmetic is IEEE-identical to Java's, so element-wise results agree
// bit for bit given the same inputs; only the order of the double-precision reductions differs.
//
// Layouts: activations are time-major [T*B, C, S] (S = spatial size, 1 for fully connected);
// per-step parameters are [T, C]. Sizes fit in int (checked on the host).

#define BLOCK 256

extern "C" __global__ void fill_f32(float* p, float v, int n) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        p[i] = v;
    }
}

extern "C" __global__ void axpy_f32(float alpha, const float* x, float* y, int n) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        y[i] = y[i] + alpha * x[i];
    }
}

// Frame counts to floats: the input travels to the device as unsigned bytes (a quarter of float32).
extern "C" __global__ void u8_to_f32(const unsigned char* src, float* dst, int n) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        dst[i] = (float) src[i];
    }
}

// Sums two doubles over the block into thread 0's slot.
__device__ void block_sum2(double* s1, double* s2) {
    __syncthreads();
    for (int k = blockDim.x / 2; k > 0; k >>= 1) {
        if (threadIdx.x < k) {
            s1[threadIdx.x] += s1[threadIdx.x + k];
            s2[threadIdx.x] += s2[threadIdx.x + k];
        }
        __syncthreads();
    }
}

// BNTT statistics for every step at once (they depend only on z): grid (C, T), block BLOCK.
// Training: batch mean and biased variance, running statistics update with the unbiased variance.
// Inference: the running statistics. Writes mean[t,c] and invStd[t,c].
extern "C" __global__ void bntt_stats(const float* z, float* runMean, float* runVar, float* meanOut,
        float* invStdOut, int batch, int channels, int spatial, float eps, float momentum, int training) {
    __shared__ double s1[BLOCK];
    __shared__ double s2[BLOCK];
    const int c = blockIdx.x;
    const int t = blockIdx.y;
    const int k = t * channels + c;
    const int n = batch * spatial;
    float mu;
    float var;
    if (training) {
        double sum = 0.0;
        double sq = 0.0;
        for (int j = threadIdx.x; j < n; j += blockDim.x) {
            int b = j / spatial;
            int i = j - b * spatial;
            float v = z[((t * batch + b) * channels + c) * spatial + i];
            sum += v;
            sq += (double) v * (double) v;
        }
        s1[threadIdx.x] = sum;
        s2[threadIdx.x] = sq;
        block_sum2(s1, s2);
        if (threadIdx.x != 0) {
            return;
        }
        double m = s1[0] / n;
        double vv = fmax(0.0, s2[0] / n - m * m);
        mu = (float) m;
        var = (float) vv;
        float unbiased = n > 1 ? (float) (vv * n / (n - 1)) : var;
        runMean[k] = (1.0f - momentum) * runMean[k] + momentum * mu;
        runVar[k] = (1.0f - momentum) * runVar[k] + momentum * unbiased;
    } else {
        if (threadIdx.x != 0) {
            return;
        }
        mu = runMean[k];
        var = runVar[k];
    }
    meanOut[k] = mu;
    invStdOut[k] = (float) (1.0 / sqrt((double) (var + eps)));
}

__device__ float spike_sigmoid(float x) {
    return (float) (1.0 / (1.0 + exp((double) (-4.0f * x))));
}

// The LIF recurrence: one thread per neuron (b, c, i), walking t = 0..T-1. xhat may alias z.
extern "C" __global__ void bntt_lif_forward(const float* z, const float* gamma, const float* mean,
        const float* invStd, float* xhat, float* mem, float* spikes, int timesteps, int batch, int channels,
        int spatial, float leak, float theta, int sigmoid) {
    const int per = batch * channels * spatial;
    for (int e = blockIdx.x * blockDim.x + threadIdx.x; e < per; e += gridDim.x * blockDim.x) {
        const int ch = (e / spatial) % channels;
        float v = 0.0f;
        for (int t = 0; t < timesteps; t++) {
            const int idx = t * per + e;
            const int k = t * channels + ch;
            float xh = (z[idx] - mean[k]) * invStd[k];
            xhat[idx] = xh;
            float u = leak * v + gamma[k] * xh;
            mem[idx] = u;
            float x = u / theta - 1.0f;
            float s = sigmoid ? spike_sigmoid(x) : (x > 0.0f ? 1.0f : 0.0f);
            spikes[idx] = s;
            v = u - theta * s;
        }
    }
}

// Backward, part 1: dL/dU through time (the membrane recurrence), one thread per neuron, t = T-1..0.
// Writes dL/d(gamma*xhat) into gz (which may alias gs).
extern "C" __global__ void bntt_lif_backward_mem(const float* gs, const float* mem, float* gz, int timesteps,
        int batch, int channels, int spatial, float leak, float theta, int sigmoid) {
    const int per = batch * channels * spatial;
    for (int e = blockIdx.x * blockDim.x + threadIdx.x; e < per; e += gridDim.x * blockDim.x) {
        float carry = 0.0f;
        for (int t = timesteps - 1; t >= 0; t--) {
            const int idx = t * per + e;
            float u = mem[idx];
            float x = u / theta - 1.0f;
            float gv = leak * carry;
            float gu;
            if (sigmoid) {
                float sp = spike_sigmoid(x);
                float fp = 4.0f * sp * (1.0f - sp) / theta;
                gu = gs[idx] * fp + gv * (1.0f - theta * fp);
            } else {
                float fp = 0.3f * fmaxf(0.0f, 1.0f - fabsf(x)) / theta;
                gu = gs[idx] * fp + gv;
            }
            carry = gu;
            gz[idx] = gu;
        }
    }
}

// Backward, part 2: per (t, c) sums of g and g*xhat; grid (C, T). Accumulates dL/dgamma.
extern "C" __global__ void bntt_backward_sums(const float* gz, const float* xhat, float* sumG, float* sumGx,
        float* gradGamma, int batch, int channels, int spatial) {
    __shared__ double s1[BLOCK];
    __shared__ double s2[BLOCK];
    const int c = blockIdx.x;
    const int t = blockIdx.y;
    const int n = batch * spatial;
    double sg = 0.0;
    double sgx = 0.0;
    for (int j = threadIdx.x; j < n; j += blockDim.x) {
        int b = j / spatial;
        int i = j - b * spatial;
        int idx = ((t * batch + b) * channels + c) * spatial + i;
        float g = gz[idx];
        sg += g;
        sgx += g * xhat[idx];
    }
    s1[threadIdx.x] = sg;
    s2[threadIdx.x] = sgx;
    block_sum2(s1, s2);
    if (threadIdx.x == 0) {
        const int k = t * channels + c;
        sumG[k] = (float) s1[0];
        sumGx[k] = (float) s2[0];
        gradGamma[k] = gradGamma[k] + (float) s2[0];
    }
}

// Backward, part 3: through the batch normalisation, element-wise over all T*B*C*S.
extern "C" __global__ void bntt_backward_finish(float* gz, const float* xhat, const float* gamma,
        const float* invStd, const float* sumG, const float* sumGx, int total, int batch, int channels,
        int spatial) {
    const int per = batch * channels * spatial;
    const float n = (float) (batch * spatial);
    for (int idx = blockIdx.x * blockDim.x + threadIdx.x; idx < total; idx += gridDim.x * blockDim.x) {
        const int t = idx / per;
        const int ch = (idx / spatial) % channels;
        const int k = t * channels + ch;
        float scale = gamma[k] * invStd[k] / n;
        gz[idx] = scale * (n * gz[idx] - sumG[k] - xhat[idx] * sumGx[k]);
    }
}

// 2x2 average pooling, stride 2, odd edges dropped: one thread per output value.
extern "C" __global__ void avgpool2_forward(const float* x, float* y, int planes, int h, int w, int oh, int ow) {
    const int total = planes * oh * ow;
    for (int o = blockIdx.x * blockDim.x + threadIdx.x; o < total; o += gridDim.x * blockDim.x) {
        int p = o / (oh * ow);
        int r = o - p * oh * ow;
        int i = r / ow;
        int j = r - i * ow;
        const float* r0 = x + p * h * w + 2 * i * w + 2 * j;
        const float* r1 = r0 + w;
        y[o] = 0.25f * (r0[0] + r0[1] + r1[0] + r1[1]);
    }
}

// Its gradient: one thread per input value (dropped edges get zero).
extern "C" __global__ void avgpool2_backward(const float* dy, float* dx, int planes, int h, int w, int oh, int ow) {
    const int total = planes * h * w;
    for (int o = blockIdx.x * blockDim.x + threadIdx.x; o < total; o += gridDim.x * blockDim.x) {
        int p = o / (h * w);
        int r = o - p * h * w;
        int row = r / w;
        int col = r - row * w;
        int i = row >> 1;
        int j = col >> 1;
        dx[o] = i < oh && j < ow ? 0.25f * dy[p * oh * ow + i * ow + j] : 0.0f;
    }
}

// out[i] = mean over s of x[s*n + i], summed in float in step order.
extern "C" __global__ void time_mean(const float* x, float* out, int n, int timesteps) {
    const float inv = 1.0f / timesteps;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        float sum = 0.0f;
        for (int s = 0; s < timesteps; s++) {
            sum += x[s * n + i];
        }
        out[i] = sum * inv;
    }
}

extern "C" __global__ void time_mean_backward(const float* dy, float* dx, int n, int timesteps) {
    const float inv = 1.0f / timesteps;
    const int total = n * timesteps;
    for (int o = blockIdx.x * blockDim.x + threadIdx.x; o < total; o += gridDim.x * blockDim.x) {
        dx[o] = dy[o % n] * inv;
    }
}

// Softmax cross-entropy, one thread per sample: writes the gradient (softmax - onehot)/B and the
// sample's loss (in double) to rowLoss; the host adds the rows in order.
extern "C" __global__ void softmax_xent(const float* logits, const int* labels, float* grad, double* rowLoss,
        int batch, int classes) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < batch; i += gridDim.x * blockDim.x) {
        const float* l = logits + i * classes;
        float mx = __int_as_float(0xff800000);
        for (int j = 0; j < classes; j++) {
            mx = fmaxf(mx, l[j]);
        }
        double sum = 0.0;
        for (int j = 0; j < classes; j++) {
            sum += exp((double) (l[j] - mx));
        }
        double logSum = log(sum) + mx;
        int label = labels[i];
        rowLoss[i] = logSum - l[label];
        for (int j = 0; j < classes; j++) {
            double p = exp(l[j] - logSum);
            grad[i * classes + j] = (float) ((p - (j == label ? 1 : 0)) / batch);
        }
    }
}

// SGD with momentum and weight decay (PyTorch): v = mu*v + g + wd*p; p -= lr*v.
extern "C" __global__ void sgd_momentum(float* p, const float* g, float* v, float lr, float momentum,
        float weightDecay, int n) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        float pi = p[i];
        float vi = momentum * v[i] + g[i] + weightDecay * pi;
        v[i] = vi;
        p[i] = pi - lr * vi;
    }
}

// hostcuda's CUDA runtime, driver and NVRTC: memory, streams, events, kernel modules. See hostcuda.h.
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <dlfcn.h>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

#include "hostcuda.h"
#include "kernel_call.h"

#ifndef HOSTCUDA_DIR
#error "build with -DHOSTCUDA_DIR=\"<directory of device.h>\""
#endif

namespace hostcuda {
namespace {

std::recursive_mutex lock;  // one API call at a time; queued work may call back into drain's helpers
using Guard = std::lock_guard<std::recursive_mutex>;

bool syncMode() {
    static const bool sync = [] {
        const char* s = std::getenv("HOSTCUDA_SYNC");
        return s != nullptr && std::strcmp(s, "1") == 0;
    }();
    return sync;
}

// ---- the queue -----------------------------------------------------------------------------------

// One queue per stream (the legacy default stream is nullptr). Streams are independent: work on one
// never runs because another is synchronised, so work queued on the wrong stream (a library handle
// never bound to the backend's stream, say) runs late and its result is missed, as it may be on a
// GPU. The implicit synchronisation of the legacy stream with blocking streams is not emulated (the
// backend's stream is non-blocking).
struct Item {
    uint64_t seq;
    std::function<void()> work;
};
std::map<const void*, std::deque<Item>> queues;
uint64_t queued = 0;  // sequence number of the last item queued, on any stream

void runItem(std::deque<Item>& q) {
    Item it = std::move(q.front());
    q.pop_front();
    it.work();
}

// runs stream s's work up to and including item seq
void runUpTo(const void* s, uint64_t seq) {
    Guard g(lock);
    auto it = queues.find(s);
    while (it != queues.end() && !it->second.empty() && it->second.front().seq <= seq) {
        runItem(it->second);
    }
}

void drainStream(const void* s) {
    runUpTo(s, UINT64_MAX);
}

// ---- memory --------------------------------------------------------------------------------------

struct Block {
    size_t size;
    void* map;  // the mapping: the block, then one inaccessible page
    size_t mapSize;
};
std::map<uintptr_t, Block> device;  // by start address
std::map<uintptr_t, size_t> pinned;
size_t deviceUsed = 0;
// the emulated device's memory: 8 GiB, or HOSTCUDA_DEVICE_MIB (to see what running out does)
const size_t DEVICE_MEMORY = [] {
    const char* m = std::getenv("HOSTCUDA_DEVICE_MIB");
    long v = m == nullptr ? 0 : std::atol(m);
    return v > 0 ? size_t(v) << 20 : size_t(8) << 30;
}();

bool inside(const std::map<uintptr_t, size_t>& m, const void* p, size_t bytes) {
    auto a = (uintptr_t) p;
    auto it = m.upper_bound(a);
    if (it == m.begin()) return false;
    --it;
    return a >= it->first && a + bytes <= it->first + it->second;
}

thread_local int lastError = 0;
thread_local bool contextCurrent = false;
std::atomic<bool> initialised{false};
char primaryContext[64];  // the address stands in for the CUcontext

std::string tempDir() {
    const char* t = std::getenv("TMPDIR");
    return t != nullptr && t[0] != '\0' ? t : "/tmp";
}

int fail(int code) {
    lastError = code;
    return code;
}

void makeCurrent() {
    initialised = true;
    contextCurrent = true;
}

}  // namespace

bool isDevice(const void* p, size_t bytes) {
    Guard g(lock);
    auto a = (uintptr_t) p;
    auto it = device.upper_bound(a);
    if (it == device.begin()) return false;
    --it;
    return a >= it->first && a + bytes <= it->first + it->second.size;
}

void enqueue(const void* stream, std::function<void()> work) {
    Guard g(lock);
    ++queued;
    if (syncMode()) {
        work();
        return;
    }
    queues[stream].push_back({queued, std::move(work)});
}

// every stream, oldest item first
void drain() {
    Guard g(lock);
    for (;;) {
        std::deque<Item>* oldest = nullptr;
        for (auto& [s, q] : queues) {
            if (!q.empty() && (oldest == nullptr || q.front().seq < oldest->front().seq)) oldest = &q;
        }
        if (oldest == nullptr) return;
        runItem(*oldest);
    }
}

int report(int code, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    std::fprintf(stderr, "hostcuda: ");
    std::vfprintf(stderr, fmt, ap);
    std::fprintf(stderr, "\n");
    std::fflush(stderr);
    va_end(ap);
    return code;
}

}  // namespace hostcuda

using namespace hostcuda;

// ================================ CUDA runtime ===================================================

namespace {
// cudaError_t values used here
constexpr int cudaSuccess = 0, cudaErrorInvalidValue = 1, cudaErrorMemoryAllocation = 2, cudaErrorInvalidDevice = 101,
              cudaErrorInvalidResourceHandle = 400, cudaErrorNotReady = 600, cudaErrorNoDevice = 100;
// cudaMemcpyKind
constexpr int H2H = 0, H2D = 1, D2H = 2, D2D = 3, DEFAULT = 4;

struct Event {
    const void* stream = nullptr;
    uint64_t seq = 0;     // of its marker on that stream; 0 before the first record
    uint64_t ranSeq = 0;  // of the last marker that ran
    bool timing = true;
    double ms = 0;        // when that marker ran, for cudaEventElapsedTime
};
std::map<Event*, std::shared_ptr<Event>> events;
std::set<void*> streams;

double nowMs() {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

const char* runtimeName(int e) {
    switch (e) {
        case 0: return "cudaSuccess";
        case 1: return "cudaErrorInvalidValue";
        case 2: return "cudaErrorMemoryAllocation";
        case 100: return "cudaErrorNoDevice";
        case 101: return "cudaErrorInvalidDevice";
        case 400: return "cudaErrorInvalidResourceHandle";
        case 600: return "cudaErrorNotReady";
        default: return "cudaErrorUnknown";
    }
}

const char* runtimeString(int e) {
    switch (e) {
        case 0: return "no error";
        case 1: return "invalid argument";
        case 2: return "out of memory";
        case 100: return "no CUDA-capable device is detected";
        case 101: return "invalid device ordinal";
        case 400: return "invalid resource handle";
        case 600: return "device not ready";
        default: return "unknown error";
    }
}

bool validStream(void* s) {
    return s == nullptr || streams.count(s) > 0;
}
}  // namespace

extern "C" {

const char* cudaGetErrorName(int e) { return runtimeName(e); }
const char* cudaGetErrorString(int e) { return runtimeString(e); }

int cudaGetLastError() {
    int e = lastError;
    lastError = 0;
    return e;
}

int cudaGetDeviceCount(int* count) {
    if (count == nullptr) return fail(cudaErrorInvalidValue);
    *count = 1;
    return cudaSuccess;
}

int cudaSetDevice(int dev) {
    if (dev != 0) return fail(report(cudaErrorInvalidDevice, "cudaSetDevice(%d): the emulated machine has device 0 only", dev));
    makeCurrent();
    return cudaSuccess;
}

int cudaDriverGetVersion(int* v) {
    if (v == nullptr) return fail(cudaErrorInvalidValue);
    *v = 13000;
    return cudaSuccess;
}

int cudaRuntimeGetVersion(int* v) {
    if (v == nullptr) return fail(cudaErrorInvalidValue);
    *v = 13010;
    return cudaSuccess;
}

// The struct's layout is JavaCPP's (compiled from CUDA 13's headers); the test writes the bytes of a
// cudaDeviceProp filled through JavaCPP's setters to $HOSTCUDA_DEVICE_PROP, and this copies them.
int cudaGetDeviceProperties(void* prop, int dev) {
    Guard g(lock);
    if (prop == nullptr) return fail(cudaErrorInvalidValue);
    if (dev != 0) return fail(cudaErrorInvalidDevice);
    const char* path = std::getenv("HOSTCUDA_DEVICE_PROP");
    if (path == nullptr) return fail(report(cudaErrorInvalidValue, "cudaGetDeviceProperties: HOSTCUDA_DEVICE_PROP is not set"));
    std::ifstream in(path, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.empty() || bytes.size() > 16384) {
        return fail(report(cudaErrorInvalidValue, "cudaGetDeviceProperties: %s is not a cudaDeviceProp (%zu bytes)", path, bytes.size()));
    }
    std::memcpy(prop, bytes.data(), bytes.size());
    makeCurrent();
    return cudaSuccess;
}
int cudaGetDeviceProperties_v2(void* prop, int dev) { return cudaGetDeviceProperties(prop, dev); }

int cudaMemGetInfo(size_t* freeBytes, size_t* total) {
    Guard g(lock);
    if (freeBytes == nullptr || total == nullptr) return fail(cudaErrorInvalidValue);
    *total = DEVICE_MEMORY;
    *freeBytes = DEVICE_MEMORY - deviceUsed;
    return cudaSuccess;
}

// Device blocks end next to an inaccessible page (within the 256-byte alignment CUDA guarantees),
// so a kernel running past the end of its buffer faults instead of reading a neighbour.
int cudaMalloc(void** p, size_t size) {
    Guard g(lock);
    makeCurrent();
    if (p == nullptr) return fail(cudaErrorInvalidValue);
    if (size == 0) {
        *p = nullptr;
        return cudaSuccess;
    }
    if (deviceUsed + size > DEVICE_MEMORY) return fail(cudaErrorMemoryAllocation);
    size_t page = (size_t) sysconf(_SC_PAGESIZE);
    size_t rounded = (size + 255) & ~size_t(255);
    size_t data = (rounded + page - 1) / page * page;
    void* map = mmap(nullptr, data + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED) return fail(cudaErrorMemoryAllocation);
    mprotect((char*) map + data, page, PROT_NONE);
    char* start = (char*) map + data - rounded;
    // fresh device memory holds garbage, not zeros: code that reads before writing shows it
    std::memset(start, 0x7f, rounded);
    device[(uintptr_t) start] = {size, map, data + page};
    deviceUsed += size;
    *p = start;
    return cudaSuccess;
}

// cudaFree waits for the device, as the real one does
int cudaFree(void* p) {
    Guard g(lock);
    makeCurrent();
    if (p == nullptr) return cudaSuccess;  // the customary way to create the context
    drain();
    auto it = device.find((uintptr_t) p);
    if (it == device.end()) return fail(report(cudaErrorInvalidValue, "cudaFree(%p): not the start of a live device block", p));
    munmap(it->second.map, it->second.mapSize);
    deviceUsed -= it->second.size;
    device.erase(it);
    return cudaSuccess;
}

int cudaMallocHost(void** p, size_t size) {
    Guard g(lock);
    if (p == nullptr) return fail(cudaErrorInvalidValue);
    void* m = std::malloc(size == 0 ? 1 : size);
    if (m == nullptr) return fail(cudaErrorMemoryAllocation);
    std::memset(m, 0x7f, size);
    pinned[(uintptr_t) m] = size;
    *p = m;
    return cudaSuccess;
}

int cudaFreeHost(void* p) {
    Guard g(lock);
    drain();
    auto it = pinned.find((uintptr_t) p);
    if (it == pinned.end()) return fail(report(cudaErrorInvalidValue, "cudaFreeHost(%p): not from cudaMallocHost", p));
    std::free(p);
    pinned.erase(it);
    return cudaSuccess;
}

int cudaStreamCreateWithFlags(void** s, unsigned flags) {
    Guard g(lock);
    if (s == nullptr || flags > 1) return fail(cudaErrorInvalidValue);
    void* h = std::malloc(16);
    streams.insert(h);
    *s = h;
    return cudaSuccess;
}
int cudaStreamCreate(void** s) { return cudaStreamCreateWithFlags(s, 0); }

int cudaStreamDestroy(void* s) {
    Guard g(lock);
    if (streams.erase(s) == 0) return fail(report(cudaErrorInvalidResourceHandle, "cudaStreamDestroy(%p): no such stream", s));
    drainStream(s);  // work already queued on it still completes
    queues.erase(s);
    std::free(s);
    return cudaSuccess;
}

int cudaStreamSynchronize(void* s) {
    Guard g(lock);
    if (!validStream(s)) return fail(report(cudaErrorInvalidResourceHandle, "cudaStreamSynchronize(%p): no such stream", s));
    drainStream(s);
    return cudaSuccess;
}

int cudaDeviceSynchronize() {
    drain();
    return cudaSuccess;
}

int cudaMemsetAsync(void* p, int value, size_t count, void* stream) {
    Guard g(lock);
    if (!validStream(stream)) return fail(cudaErrorInvalidResourceHandle);
    if (count == 0) return cudaSuccess;
    if (!isDevice(p, count)) return fail(report(cudaErrorInvalidValue, "cudaMemsetAsync(%p, %zu bytes): not inside one device block", p, count));
    enqueue(stream, [p, value, count] { std::memset(p, value, count); });
    return cudaSuccess;
}

// Pinned host memory is read or written when the copy runs; pageable memory as the real runtime
// treats it: a host-to-device copy takes the data before returning, a device-to-host copy returns
// once it is done.
int cudaMemcpyAsync(void* dst, const void* src, size_t count, int kind, void* stream) {
    Guard g(lock);
    if (!validStream(stream)) return fail(cudaErrorInvalidResourceHandle);
    if (count == 0) return cudaSuccess;
    bool dDev = isDevice(dst, count), sDev = isDevice(src, count);
    if (kind == DEFAULT) kind = dDev ? (sDev ? D2D : H2D) : (sDev ? D2H : H2H);
    bool wantDst = kind == H2D || kind == D2D, wantSrc = kind == D2H || kind == D2D;
    if (wantDst != dDev || wantSrc != sDev) {
        return fail(report(cudaErrorInvalidValue, "cudaMemcpyAsync(dst %p, src %p, %zu bytes, kind %d): %s is %s a device block of that size",
                           dst, src, count, kind, wantDst != dDev ? "dst" : "src",
                           (wantDst != dDev ? wantDst : wantSrc) ? "not inside" : "inside"));
    }
    if (kind == H2D && !inside(pinned, src, count)) {
        std::vector<char> copy((const char*) src, (const char*) src + count);
        enqueue(stream, [dst, copy = std::move(copy)] { std::memcpy(dst, copy.data(), copy.size()); });
    } else {
        enqueue(stream, [dst, src, count] { std::memcpy(dst, src, count); });
        if (kind == D2H && !inside(pinned, dst, count)) drainStream(stream);
    }
    return cudaSuccess;
}

int cudaMemcpy(void* dst, const void* src, size_t count, int kind) {
    int rc = cudaMemcpyAsync(dst, src, count, kind, nullptr);
    drain();
    return rc;
}

int cudaEventCreateWithFlags(void** e, unsigned flags) {
    Guard g(lock);
    if (e == nullptr || flags > 0xf) return fail(cudaErrorInvalidValue);
    auto ev = std::make_shared<Event>();
    ev->timing = (flags & 0x2) == 0;  // cudaEventDisableTiming
    events[ev.get()] = ev;
    *e = ev.get();
    return cudaSuccess;
}
int cudaEventCreate(void** e) { return cudaEventCreateWithFlags(e, 0); }

// CUDA allows destroying an event whose marker has not run yet: the marker keeps its own reference
int cudaEventDestroy(void* e) {
    Guard g(lock);
    if (events.erase((Event*) e) == 0) return fail(report(cudaErrorInvalidResourceHandle, "cudaEventDestroy(%p): no such event", e));
    return cudaSuccess;
}

int cudaEventRecord(void* e, void* stream) {
    Guard g(lock);
    auto it = events.find((Event*) e);
    if (it == events.end()) return fail(report(cudaErrorInvalidResourceHandle, "cudaEventRecord(%p): no such event", e));
    if (!validStream(stream)) return fail(cudaErrorInvalidResourceHandle);
    std::shared_ptr<Event> ev = it->second;
    uint64_t seq = queued + 1;
    ev->stream = stream;
    ev->seq = seq;
    enqueue(stream, [ev, seq] {
        ev->ms = nowMs();
        ev->ranSeq = seq;
    });
    return cudaSuccess;
}

int cudaEventSynchronize(void* e) {
    Guard g(lock);
    auto it = events.find((Event*) e);
    if (it == events.end()) return fail(report(cudaErrorInvalidResourceHandle, "cudaEventSynchronize(%p): no such event", e));
    runUpTo(it->second->stream, it->second->seq);  // never recorded: seq 0, returns at once as CUDA does
    return cudaSuccess;
}

// the device makes progress by itself: asking runs the work up to the event
int cudaEventQuery(void* e) { return cudaEventSynchronize(e); }

int cudaEventElapsedTime(float* ms, void* start, void* end) {
    Guard g(lock);
    auto a = events.find((Event*) start), b = events.find((Event*) end);
    if (ms == nullptr || a == events.end() || b == events.end()) return fail(cudaErrorInvalidResourceHandle);
    if (!a->second->timing || !b->second->timing) return fail(report(cudaErrorInvalidResourceHandle, "cudaEventElapsedTime: an event created with cudaEventDisableTiming"));
    if (a->second->seq == 0 || b->second->seq == 0 || a->second->ranSeq != a->second->seq || b->second->ranSeq != b->second->seq) {
        return fail(cudaErrorNotReady);
    }
    *ms = (float) (b->second->ms - a->second->ms);
    return cudaSuccess;
}

}  // extern "C"

// ================================ CUDA driver ====================================================

namespace {
constexpr int CUDA_SUCCESS = 0, CUDA_ERROR_INVALID_VALUE = 1, CUDA_ERROR_INVALID_IMAGE = 200, CUDA_ERROR_INVALID_CONTEXT = 201,
              CUDA_ERROR_INVALID_HANDLE = 400, CUDA_ERROR_NOT_FOUND = 500, CUDA_ERROR_INVALID_SOURCE = 300;

struct Module {
    void* dl;
};
struct Function {
    std::string name;
    BindFn bind;
    Module* module;
};
std::set<Module*> modules;
std::set<Function*> functions;

const char* driverName(int e) {
    switch (e) {
        case 0: return "CUDA_SUCCESS";
        case 1: return "CUDA_ERROR_INVALID_VALUE";
        case 200: return "CUDA_ERROR_INVALID_IMAGE";
        case 201: return "CUDA_ERROR_INVALID_CONTEXT";
        case 300: return "CUDA_ERROR_INVALID_SOURCE";
        case 400: return "CUDA_ERROR_INVALID_HANDLE";
        case 500: return "CUDA_ERROR_NOT_FOUND";
        default: return nullptr;
    }
}

// the size of an ELF image: its section headers come last
size_t elfSize(const unsigned char* p) {
    if (std::memcmp(p, "\177ELF", 4) != 0 || p[4] != 2) return 0;
    uint64_t shoff;
    uint16_t shentsize, shnum;
    std::memcpy(&shoff, p + 0x28, 8);
    std::memcpy(&shentsize, p + 0x3a, 2);
    std::memcpy(&shnum, p + 0x3c, 2);
    return shoff + (size_t) shentsize * shnum;
}
}  // namespace

extern "C" {

int cuGetErrorName(int e, const char** s) {
    if (s == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *s = driverName(e);
    return *s == nullptr ? CUDA_ERROR_INVALID_VALUE : CUDA_SUCCESS;
}

int cuGetErrorString(int e, const char** s) {
    if (s == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *s = driverName(e) == nullptr ? nullptr : "(hostcuda)";
    return *s == nullptr ? CUDA_ERROR_INVALID_VALUE : CUDA_SUCCESS;
}

int cuCtxGetCurrent(void** ctx) {
    if (ctx == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *ctx = contextCurrent ? primaryContext : nullptr;
    return CUDA_SUCCESS;
}

int cuCtxSetCurrent(void* ctx) {
    if (ctx != nullptr && ctx != primaryContext) return report(CUDA_ERROR_INVALID_CONTEXT, "cuCtxSetCurrent(%p): not the primary context", ctx);
    contextCurrent = ctx != nullptr;
    return CUDA_SUCCESS;
}

// The "CUBIN" is a shared object made by hostcuda's nvrtcCompileProgram.
int cuModuleLoadData(void** module, const void* image) {
    Guard g(lock);
    if (!contextCurrent) return report(CUDA_ERROR_INVALID_CONTEXT, "cuModuleLoadData: no context is current on this thread");
    if (module == nullptr || image == nullptr) return CUDA_ERROR_INVALID_VALUE;
    size_t size = elfSize((const unsigned char*) image);
    if (size == 0) return report(CUDA_ERROR_INVALID_IMAGE, "cuModuleLoadData: the image is not a hostcuda module (no ELF header)");
    std::string path = tempDir() + "/hostcuda-module-XXXXXX";
    int fd = mkstemp(path.data());
    if (fd < 0) return report(CUDA_ERROR_INVALID_IMAGE, "cuModuleLoadData: cannot create %s: %s", path.c_str(), std::strerror(errno));
    bool written = write(fd, image, size) == (ssize_t) size;
    close(fd);
    void* dl = written ? dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL) : nullptr;
    unlink(path.c_str());  // the mapping stays
    if (!written) return report(CUDA_ERROR_INVALID_IMAGE, "cuModuleLoadData: cannot write %s", path.c_str());
    if (dl == nullptr) return report(CUDA_ERROR_INVALID_IMAGE, "cuModuleLoadData: %s", dlerror());
    Module* m = new Module{dl};
    modules.insert(m);
    *module = m;
    return CUDA_SUCCESS;
}

int cuModuleUnload(void* module) {
    Guard g(lock);
    if (!contextCurrent) return report(CUDA_ERROR_INVALID_CONTEXT, "cuModuleUnload: no context is current on this thread");
    if (modules.erase((Module*) module) == 0) return CUDA_ERROR_INVALID_HANDLE;
    drain();
    for (auto it = functions.begin(); it != functions.end();) {
        if ((*it)->module == module) {
            delete *it;
            it = functions.erase(it);
        } else {
            ++it;
        }
    }
    dlclose(((Module*) module)->dl);
    delete (Module*) module;
    return CUDA_SUCCESS;
}

int cuModuleGetFunction(void** f, void* module, const char* name) {
    Guard g(lock);
    if (f == nullptr || name == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (!contextCurrent) return report(CUDA_ERROR_INVALID_CONTEXT, "cuModuleGetFunction: no context is current on this thread");
    if (modules.count((Module*) module) == 0) return CUDA_ERROR_INVALID_HANDLE;
    std::string sym = std::string("hostcuda_bind_") + name;
    void* b = dlsym(((Module*) module)->dl, sym.c_str());
    if (b == nullptr) return report(CUDA_ERROR_NOT_FOUND, "cuModuleGetFunction: no kernel %s in the module", name);
    Function* fn = new Function{name, (BindFn) b, (Module*) module};
    functions.insert(fn);
    *f = fn;
    return CUDA_SUCCESS;
}

int cuLaunchKernel(void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz, unsigned sharedBytes,
                   void* stream, void** params, void** extra) {
    Guard g(lock);
    if (!contextCurrent) return report(CUDA_ERROR_INVALID_CONTEXT, "cuLaunchKernel: no context is current on this thread");
    if (functions.count((Function*) f) == 0) return report(CUDA_ERROR_INVALID_HANDLE, "cuLaunchKernel(%p): not a function of a loaded module", f);
    Function* fn = (Function*) f;
    if (gx == 0 || gy == 0 || gz == 0 || bx == 0 || by == 0 || bz == 0 || (size_t) bx * by * bz > 1024 || gy > 65535 || gz > 65535) {
        return report(CUDA_ERROR_INVALID_VALUE, "cuLaunchKernel %s: grid %ux%ux%u, block %ux%ux%u is not a valid launch",
                      fn->name.c_str(), gx, gy, gz, bx, by, bz);
    }
    if (extra != nullptr || sharedBytes != 0) return report(CUDA_ERROR_INVALID_VALUE, "cuLaunchKernel %s: extra/dynamic shared memory are not emulated", fn->name.c_str());
    if (params == nullptr) return report(CUDA_ERROR_INVALID_VALUE, "cuLaunchKernel %s: no kernel parameters", fn->name.c_str());
    if (!validStream(stream)) return CUDA_ERROR_INVALID_HANDLE;
    KernelCall* call = fn->bind(params);
    // only where a pointer argument starts can be checked: the kernel's extent is its own business
    // (a block's end abuts an inaccessible page, which catches running straight off it)
    for (const PointerArg& a : call->pointers) {
        const char* why = !isDevice(a.value, 0) ? "is not in any device block" : (uintptr_t) a.value % a.align != 0 ? "is misaligned for its type" : nullptr;
        if (why != nullptr) {
            std::string name = fn->name;
            delete call;
            return report(CUDA_ERROR_INVALID_VALUE, "cuLaunchKernel %s: pointer argument %d (%p) %s", name.c_str(), a.index, a.value, why);
        }
    }
    std::shared_ptr<KernelCall> held(call);
    Dim3 grid{gx, gy, gz}, block{bx, by, bz};
    enqueue(stream, [held, grid, block] { held->run(grid, block); });
    return CUDA_SUCCESS;
}

}  // extern "C"

// ================================ NVRTC ==========================================================

namespace {
constexpr int NVRTC_SUCCESS = 0, NVRTC_ERROR_INVALID_INPUT = 3, NVRTC_ERROR_INVALID_PROGRAM = 4, NVRTC_ERROR_INVALID_OPTION = 5,
              NVRTC_ERROR_COMPILATION = 6;

struct Program {
    std::string source, name, log;
    std::vector<char> image;
    std::string arch;
};
std::set<Program*> programs;

const int ARCHS[] = {75, 80, 86, 87, 89, 90, 100, 103, 110, 120, 121};

std::vector<std::string> kernelNames(const std::string& src) {
    std::vector<std::string> names;
    for (size_t at = src.find("__global__"); at != std::string::npos; at = src.find("__global__", at + 1)) {
        size_t open = src.find('(', at);
        if (open == std::string::npos) break;
        size_t end = open;
        while (end > at && std::isspace((unsigned char) src[end - 1])) end--;
        size_t begin = end;
        while (begin > at && (std::isalnum((unsigned char) src[begin - 1]) || src[begin - 1] == '_')) begin--;
        names.push_back(src.substr(begin, end - begin));
    }
    return names;
}

// for the shell: the path in single quotes
std::string quoted(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}
}  // namespace

extern "C" {

const char* nvrtcGetErrorString(int r) {
    switch (r) {
        case 0: return "NVRTC_SUCCESS";
        case 3: return "NVRTC_ERROR_INVALID_INPUT";
        case 4: return "NVRTC_ERROR_INVALID_PROGRAM";
        case 5: return "NVRTC_ERROR_INVALID_OPTION";
        case 6: return "NVRTC_ERROR_COMPILATION";
        default: return "NVRTC_ERROR unknown";
    }
}

int nvrtcVersion(int* major, int* minor) {
    if (major == nullptr || minor == nullptr) return NVRTC_ERROR_INVALID_INPUT;
    *major = 13;
    *minor = 1;
    return NVRTC_SUCCESS;
}

int nvrtcGetNumSupportedArchs(int* n) {
    if (n == nullptr) return NVRTC_ERROR_INVALID_INPUT;
    *n = (int) (sizeof(ARCHS) / sizeof(ARCHS[0]));
    return NVRTC_SUCCESS;
}

int nvrtcGetSupportedArchs(int* a) {
    if (a == nullptr) return NVRTC_ERROR_INVALID_INPUT;
    std::memcpy(a, ARCHS, sizeof(ARCHS));
    return NVRTC_SUCCESS;
}

int nvrtcCreateProgram(void** prog, const char* src, const char* name, int numHeaders, const char* const*, const char* const*) {
    Guard g(lock);
    if (prog == nullptr || src == nullptr) return NVRTC_ERROR_INVALID_INPUT;
    if (numHeaders != 0) return report(NVRTC_ERROR_INVALID_INPUT, "nvrtcCreateProgram: headers are not emulated");
    Program* p = new Program{src, name == nullptr ? "default_program" : name, "", {}, ""};
    programs.insert(p);
    *prog = p;
    return NVRTC_SUCCESS;
}

int nvrtcDestroyProgram(void** prog) {
    Guard g(lock);
    if (prog == nullptr || programs.erase((Program*) *prog) == 0) return NVRTC_ERROR_INVALID_PROGRAM;
    delete (Program*) *prog;
    *prog = nullptr;
    return NVRTC_SUCCESS;
}

// Compiles the program as host C++ (device.h turns the CUDA C into it) into a shared object with one
// hostcuda_bind_<kernel> per __global__ function; that object is the "CUBIN".
int nvrtcCompileProgram(void* prog, int numOptions, const char* const* options) {
    Guard g(lock);
    if (programs.count((Program*) prog) == 0) return NVRTC_ERROR_INVALID_PROGRAM;
    Program* p = (Program*) prog;
    p->log.clear();
    for (int i = 0; i < numOptions; i++) {
        std::string o = options[i] == nullptr ? "" : options[i];
        if (o.rfind("--gpu-architecture=", 0) == 0 || o.rfind("-arch=", 0) == 0) {
            std::string a = o.substr(o.find('=') + 1);
            bool known = false;
            for (int v : ARCHS) known |= a == "sm_" + std::to_string(v) || a == "compute_" + std::to_string(v);
            if (!known) {
                p->log = "nvrtc: error: invalid value for --gpu-architecture (-arch): " + a + "\n";
                return NVRTC_ERROR_INVALID_OPTION;
            }
            p->arch = a;
        } else if (o != "--fmad=false" && o != "--fmad=true" && o != "-default-device" && o != "--std=c++17" && o != "-lineinfo") {
            p->log = "nvrtc: error: unrecognized option " + o + " (hostcuda accepts the options the backend uses)\n";
            return NVRTC_ERROR_INVALID_OPTION;
        }
    }
    std::string d = tempDir() + "/hostcuda-nvrtc-XXXXXX";
    if (mkdtemp(d.data()) == nullptr) return report(NVRTC_ERROR_COMPILATION, "nvrtcCompileProgram: mkdtemp %s: %s", d.c_str(), std::strerror(errno));
    std::ofstream(d + "/program.cu") << p->source;
    {
        std::ofstream m(d + "/module.cpp");
        m << "#include \"device.h\"\n#include \"program.cu\"\n";
        for (const std::string& k : kernelNames(p->source)) m << "HOSTCUDA_KERNEL(" << k << ")\n";
    }
    const char* cxx = std::getenv("HOSTCUDA_CXX");
    std::string cmd = std::string(cxx == nullptr ? "g++" : cxx) + " -std=c++17 -O2 -ffp-contract=off -fPIC -shared -I" + quoted(HOSTCUDA_DIR)
                      + " -I" + quoted(d) + " -o " + quoted(d + "/module.so") + " " + quoted(d + "/module.cpp") + " > " + quoted(d + "/log.txt") + " 2>&1";
    int rc = std::system(cmd.c_str());
    p->log = readAll(d + "/log.txt");
    if (rc == 0) {
        std::string so = readAll(d + "/module.so");
        p->image.assign(so.begin(), so.end());
    }
    for (const char* f : {"/program.cu", "/module.cpp", "/module.so", "/log.txt"}) unlink((d + f).c_str());
    rmdir(d.c_str());
    if (rc != 0) return NVRTC_ERROR_COMPILATION;
    return NVRTC_SUCCESS;
}

int nvrtcGetProgramLogSize(void* prog, size_t* size) {
    Guard g(lock);
    if (programs.count((Program*) prog) == 0 || size == nullptr) return NVRTC_ERROR_INVALID_PROGRAM;
    *size = ((Program*) prog)->log.size() + 1;
    return NVRTC_SUCCESS;
}

int nvrtcGetProgramLog(void* prog, char* log) {
    Guard g(lock);
    if (programs.count((Program*) prog) == 0 || log == nullptr) return NVRTC_ERROR_INVALID_PROGRAM;
    const std::string& l = ((Program*) prog)->log;
    std::memcpy(log, l.c_str(), l.size() + 1);
    return NVRTC_SUCCESS;
}

// machine code only for sm_XX targets, as the real NVRTC
int nvrtcGetCUBINSize(void* prog, size_t* size) {
    Guard g(lock);
    Program* p = (Program*) prog;
    if (programs.count(p) == 0 || size == nullptr) return NVRTC_ERROR_INVALID_PROGRAM;
    *size = p->arch.rfind("sm_", 0) == 0 ? p->image.size() : 0;
    return NVRTC_SUCCESS;
}

int nvrtcGetCUBIN(void* prog, char* out) {
    Guard g(lock);
    Program* p = (Program*) prog;
    if (programs.count(p) == 0 || out == nullptr) return NVRTC_ERROR_INVALID_PROGRAM;
    if (p->arch.rfind("sm_", 0) != 0) return NVRTC_ERROR_INVALID_INPUT;
    std::memcpy(out, p->image.data(), p->image.size());
    return NVRTC_SUCCESS;
}

// PTX is text ending in a NUL; the emulated one is the module followed by a marker and the NUL
int nvrtcGetPTXSize(void* prog, size_t* size) {
    Guard g(lock);
    Program* p = (Program*) prog;
    if (programs.count(p) == 0 || size == nullptr) return NVRTC_ERROR_INVALID_PROGRAM;
    *size = p->image.size() + 9;
    return NVRTC_SUCCESS;
}

int nvrtcGetPTX(void* prog, char* out) {
    Guard g(lock);
    Program* p = (Program*) prog;
    if (programs.count(p) == 0 || out == nullptr) return NVRTC_ERROR_INVALID_PROGRAM;
    std::memcpy(out, p->image.data(), p->image.size());
    std::memcpy(out + p->image.size(), "HOSTCUDA", 9);
    return NVRTC_SUCCESS;
}

}  // extern "C"

package io.spikestream.trainer.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CudaBackend's host code end to end, without a GPU: the real JavaCPP JNI libraries call hostcuda
 * ({@code tools/hostcuda}), a CPU emulation of the CUDA runtime, driver, NVRTC, cuDNN and
 * cuBLAS calls the backend makes, which checks pointers and sizes against the device blocks, runs
 * each stream's queued work only when something synchronises with it (so early reads, overwritten
 * staging buffers and work on the wrong stream show), builds the kernels from kernels.cu with g++,
 * and rounds to TF32 where the real libraries may (tools/hostcuda/README.md has the details). {@code gpu-check} then runs in a separate JVM against it: the
 * primitives and a short training run against the Java reference in strict FP32 and TF32, and the
 * training benchmark with its profile. What this cannot show: anything of a real GPU (timing,
 * concurrency, real cuDNN algorithms, the driver's checks).
 *
 * <p>Opt-in, about a minute: {@code mvn -B -o -Phostcuda verify -pl trainer-cuda -am -Dtest=HostCudaTest
 * -Dsurefire.failIfNoSpecifiedTests=false} (the profile points {@code hostcuda.dir} at the sources; the
 * default build excludes this class). Skipped where g++, nm or unzip are missing, or on anything but
 * Linux x86-64.
 */
class HostCudaTest {
    @TempDir
    static Path lib;

    private static Path presetJar;

    @BeforeAll
    static void build() throws Exception {
        Assumptions.assumeTrue(System.getProperty("hostcuda.dir") != null,
                "hostcuda test skipped: run it with -Phostcuda (see the class comment)");
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        Assumptions.assumeTrue(os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64")),
                "hostcuda test skipped: needs Linux x86-64 (the CUDA presets' JNI libraries), this is " + os + "/" + arch);
        for (String tool : new String[] {"g++", "nm", "unzip", "bash"}) {
            Assumptions.assumeTrue(onPath(tool), "hostcuda test skipped: " + tool + " is not installed");
        }
        Optional<Path> jar = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .filter(p -> p.getFileName().toString().matches("cuda-.*-linux-x86_64\\.jar")).findFirst();
        Assumptions.assumeTrue(jar.isPresent(), "hostcuda test skipped: the CUDA presets' linux-x86_64 jar is not on the class path");
        presetJar = jar.get();
        Path script = resourceDir().resolve("build.sh");
        Result r = exec(List.of("bash", script.toString(), lib.toString(), presetJar.toString()), List.of(), 300);
        assertThat(r.exit()).as("hostcuda build:%n%s", r.output()).isZero();
    }

    @Test
    void gpuCheckPassesAgainstTheEmulatedDevice(@TempDir Path out) throws Exception {
        Result r = gpuCheck(out, List.of());
        String json = compact(out.resolve("gpu-check.json"));
        assertThat(json).as(r.output()).contains("\"device\":\"" + HostCudaMain.DEVICE_NAME,
                "\"primitives_strict_fp32_passed\":true", "\"primitives_tf32_passed\":true", "\"bench_tf32\":",
                "\"bench_strict_fp32\":", "\"passed\":true").doesNotContain("\"passed\":false");
        assertThat(r.output()).contains("backend auto: using cuda");
        assertThat(r.output()).as("no entry point outside the emulated set was called").doesNotContain("is not emulated");
        assertThat(r.exit()).as(r.output()).isZero();
    }

    @Test
    void gpuCheckPassesWhenEveryCallRunsAtOnce(@TempDir Path out) throws Exception {
        // the checks again with no deferral and each block's threads in reverse order between barriers:
        // a difference between the two runs points at read-back timing or a missing __syncthreads
        Result r = gpuCheck(out, List.of("HOSTCUDA_SYNC=1", "HOSTCUDA_REVERSE_THREADS=1"), "--skip-bench");
        assertThat(r.exit()).as(r.output()).isZero();
    }

    @Test
    void theGpuTestsPassAgainstTheEmulatedDevice() throws Exception {
        // CudaBackendTest skips in this JVM (no CUDA here); in one with hostcuda it has a device
        Result r = hostCudaMain(List.of(), "--junit", CudaBackendTest.class.getName());
        assertThat(r.output()).containsPattern("\\d+ tests successful").contains("0 tests skipped", "0 tests failed");
        assertThat(r.exit()).as(r.output()).isZero();
    }

    @Test
    void unmeasurableAlgorithmsAndAFullDeviceAreHandled(@TempDir Path out) throws Exception {
        // cuDNN's Find cannot measure anything (as when it cannot allocate), so the heuristic ranking
        // must serve the primitives; then a 2 MiB device cannot hold the training run's batch, which
        // must be refused with the sizes, not crash the JVM
        Result r = gpuCheck(out, List.of("HOSTCUDA_FIND_FAILS=1", "HOSTCUDA_DEVICE_MIB=2"), "--skip-bench");
        String json = compact(out.resolve("gpu-check.json"));
        assertThat(json).as(r.output()).contains("\"primitives_strict_fp32_passed\":true", "\"primitives_tf32_passed\":true");
        assertThat(r.output()).containsPattern("needs about [0-9.]+ MB .* has about [0-9.]+ MB available; use a smaller batch")
                .doesNotContain("SIGSEGV");
        assertThat(r.exit()).as(r.output()).isEqualTo(1);
    }

    /** The emulation's own oracle: its cuDNN convolutions and cuBLAS SGEMM against independent loops. */
    @Test
    void cudnnAndCublasEmulationsPassTheirSelfTest(@TempDir Path dir) throws Exception {
        Path src = resourceDir();
        Path exe = dir.resolve("dnn_selftest");
        Result build = exec(List.of("g++", "-std=c++17", "-O2", "-ffp-contract=off", "-o", exe.toString(),
                src.resolve("dnn_selftest.cpp").toString(), src.resolve("dnn.cpp").toString(), src.resolve("blas.cpp").toString()),
                List.of(), 300);
        assertThat(build.exit()).as(build.output()).isZero();
        Result r = exec(List.of(exe.toString()), List.of(), 120);
        assertThat(r.output()).containsPattern("\\d+ checks, 0 failures");
        assertThat(r.exit()).as(r.output()).isZero();
    }

    private static Result gpuCheck(Path out, List<String> env, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--out", out.toString(), "--quick", "--arch", "c8-p2-c16-p2-f32",
                "--input", "2x16x16", "--timesteps", "4", "--batch", "8", "--iterations", "2", "--warmup", "1"));
        args.addAll(List.of(extra));
        return hostCudaMain(env, args.toArray(String[]::new));
    }

    /** {@link HostCudaMain} in a JVM whose library path holds hostcuda. */
    private static Result hostCudaMain(List<String> env, String... args) throws Exception {
        Path prop = Files.createTempFile(lib, "device-prop", ".bin");
        List<String> environment = new ArrayList<>(env);
        environment.add("LD_LIBRARY_PATH=" + lib);
        environment.add("HOSTCUDA_DEVICE_PROP=" + prop);
        environment.add("SPIKESTREAM_CUDA_WORKSPACE_MIB=64");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HostCudaMain.class.getName()));
        cmd.addAll(List.of(args));
        return exec(cmd, environment, 600);
    }

    record Result(int exit, String output) {
    }

    private static Result exec(List<String> cmd, List<String> env, int timeoutSeconds) throws Exception {
        // in the temporary directory, where a crash's hs_err file ends up too
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(lib.toFile());
        // only what the test asks for: an exported setting must not change what a run checks
        pb.environment().keySet().removeIf(k -> k.startsWith("HOSTCUDA_") || k.equals("NVIDIA_TF32_OVERRIDE")
                || k.startsWith("SPIKESTREAM_CUDA_"));
        for (String kv : env) {
            int eq = kv.indexOf('=');
            pb.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        Path log = Files.createTempFile(lib, "exec", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            return new Result(-1, "timed out after " + timeoutSeconds + " s: " + cmd + "\n" + tail(log));
        }
        return new Result(p.exitValue(), tail(log));
    }

    private static String tail(Path log) throws Exception {
        String s = Files.readString(log, StandardCharsets.UTF_8);
        return s.length() > 200_000 ? s.substring(0, 20_000) + "\n...\n" + s.substring(s.length() - 100_000) : s;
    }

    /** gpu-check.json without its indentation, for plain string checks. */
    private static String compact(Path file) throws Exception {
        return io.spikestream.app.cli.JsonOut.mapper().readTree(file.toFile()).toString();
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    private static Path resourceDir() {
        return Path.of(System.getProperty("hostcuda.dir"));
    }
}

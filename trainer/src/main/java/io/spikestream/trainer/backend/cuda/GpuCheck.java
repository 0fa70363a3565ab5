package io.spikestream.trainer.backend.cuda;

import io.spikestream.events.SensorGeometry;
import io.spikestream.snn.BnntParams;
import io.spikestream.snn.InputShape;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.FramingSpec;
import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.SpikeFunction;
import io.spikestream.trainer.net.BpttNetwork;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The GPU machine's self-check, runnable without ND4J (the bare-GPU package): device and library
 * versions; every primitive CUDA versus the kernels' Java twins (strict FP32 and TF32); short
 * training runs CUDA versus the Java reference (strict FP32, loss relative difference ≤ 1e-3);
 * and a training benchmark (default: VGG9, 2×48×48, T = 20, batch 128, synthetic frames uploaded as
 * counts, each step's loss read after the next step is queued) in TF32
 * and strict FP32. Writes {@code gpu-check.json} and {@code gpu-check.txt} to {@code --out}.
 *
 * <p>Exit status: 0 all checks passed, 1 a check failed, 2 bad usage, 3 no usable CUDA here.
 *
 * <pre>java -cp ... io.spikestream.trainer.backend.cuda.GpuCheck --out DIR [--arch vgg9] [--input 2x48x48]
 *     [--timesteps 20] [--batch 128] [--iterations 20] [--warmup 3] [--density 0.1] [--skip-bench]</pre>
 */
public final class GpuCheck {
    /** Opens the backend under test; CUDA in production, the reference in this class's own tests. */
    interface Device {
        Optional<String> unavailableReason();

        Backend open(boolean strictFp32);
    }

    static final Device CUDA = new Device() {
        @Override
        public Optional<String> unavailableReason() {
            return new CudaBackendProvider().unavailableReason();
        }

        @Override
        public Backend open(boolean strictFp32) {
            return new CudaBackend(CudaOptions.fromEnvironment().withStrictFp32(strictFp32));
        }
    };

    private final Device dev;
    private final Map<String, Object> json = new LinkedHashMap<>();
    private final StringBuilder text = new StringBuilder();
    private final PrintStream log = System.err;
    private boolean failed;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        return run(args, CUDA);
    }

    static int run(String[] args, Device dev) {
        Map<String, String> opt;
        try {
            opt = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("gpu-check: " + e.getMessage());
            System.err.println("usage: GpuCheck --out DIR [--arch vgg9] [--input 2x48x48] [--timesteps 20] [--batch 128]"
                    + " [--iterations 20] [--warmup 3] [--density 0.1] [--skip-bench] [--quick]");
            return 2;
        }
        return new GpuCheck(dev).check(opt);
    }

    private GpuCheck(Device dev) {
        this.dev = dev;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>(Map.of("arch", "vgg9", "input", "2x48x48", "timesteps", "20",
                "batch", "128", "iterations", "20", "warmup", "3", "density", "0.1"));
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--skip-bench") || a.equals("--quick")) {
                m.put(a.substring(2), "true");
            } else if (a.startsWith("--") && i + 1 < args.length && m.containsKey(a.substring(2)) || a.equals("--out") && i + 1 < args.length) {
                m.put(a.substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("unknown or incomplete option '" + a + "'");
            }
        }
        if (!m.containsKey("out")) {
            throw new IllegalArgumentException("--out DIR is required");
        }
        return m;
    }

    private void line(String s) {
        log.println(s);
        text.append(s).append('\n');
    }

    int check(Map<String, String> opt) {
        Path out = Path.of(opt.get("out"));
        Optional<String> why = dev.unavailableReason();
        json.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        if (why.isPresent()) {
            line("CUDA is not usable here: " + why.get());
            json.put("cuda_available", false);
            json.put("reason", why.get());
            // the CPU side still runs: the oracle's own sanity (no GPU needed)
            Equivalence.Training self = Equivalence.training(new ReferenceBackend(), new ReferenceBackend(),
                    Equivalence.smallSpec(), 4, 2, 1, 0);
            json.put("reference_self_check", self.passed());
            write(out);
            return 3;
        }
        json.put("cuda_available", true);
        long t0 = System.nanoTime();
        try (Backend strict = dev.open(true)) {
            line("device: " + strict.device());
            line("implementation: " + strict.implementation());
            json.put("device", strict.device());
            json.put("implementation", strict.implementation());
            primitives("primitives_strict_fp32", strict, Equivalence.Tolerance.strictFp32());
            training(strict, opt.containsKey("quick"));
        } catch (RuntimeException | LinkageError e) {
            fail("strict FP32 checks", e);
        }
        try (Backend tf32 = dev.open(false)) {
            primitives("primitives_tf32", tf32, Equivalence.Tolerance.tf32());
        } catch (RuntimeException | LinkageError e) {
            fail("TF32 checks", e);
        }
        json.put("check_seconds", (System.nanoTime() - t0) / 1e9);
        if (!opt.containsKey("skip-bench")) {
            try {
                bench(opt, false);
                bench(opt, true);
            } catch (RuntimeException | LinkageError e) {
                fail("benchmark", e);
            }
        }
        json.put("passed", !failed);
        line(failed ? "GPU CHECK FAILED" : "GPU CHECK PASSED");
        write(out);
        return failed ? 1 : 0;
    }

    private void fail(String what, Throwable e) {
        failed = true;
        line(what + " threw " + e);
        for (StackTraceElement el : e.getStackTrace()) {
            text.append("    at ").append(el).append('\n');
        }
        json.put(what.replace(' ', '_') + "_error", String.valueOf(e));
    }

    private void primitives(String key, Backend gpu, Equivalence.Tolerance tol) {
        Equivalence eq = new Equivalence(gpu, new ReferenceBackend(), tol, 11).primitives();
        line("== " + key + " (CUDA vs Java reference)");
        text.append(eq.report());
        log.print(eq.report());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Equivalence.Result r : eq.results()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", r.name());
            row.put("max_abs_diff", r.maxAbsDiff());
            row.put("max_rel_diff", r.maxRelDiff());
            row.put("outside_tolerance", r.mismatches());
            row.put("passed", r.passed());
            rows.add(row);
        }
        json.put(key, rows);
        json.put(key + "_passed", eq.allPassed());
        failed |= !eq.allPassed();
    }

    private void training(Backend strict, boolean quick) {
        Map<String, Object> runs = new LinkedHashMap<>();
        ModelSpec small = Equivalence.smallSpec();
        runs.put("small_c8-p2-c16-p2-f32_2x16x16_T4_batch8_10steps",
                trainingRun(Equivalence.training(strict, new ReferenceBackend(), small, 8, 10, 5, 1e-3)));
        if (quick) {
            json.put("training_strict_fp32_vs_reference", runs);
            return;
        }
        FramingSpec f34 = FramingSpec.timeWindow(new SensorGeometry(34, 34), 20_000, 34, 34, CountMode.BINARY, 1);
        ModelSpec nmnist = ModelSpec.of("nmnist", new InputShape(2, 34, 34), 15, f34,
                IntStream.range(0, 10).mapToObj(Integer::toString).toList());
        runs.put("nmnist_preset_2x34x34_T15_batch8_4steps",
                trainingRun(Equivalence.training(strict, new ReferenceBackend(), nmnist, 8, 4, 7, 1e-3)));
        json.put("training_strict_fp32_vs_reference", runs);
    }

    private Map<String, Object> trainingRun(Equivalence.Training t) {
        line(String.format(Locale.ROOT, "training run: cuda %s%n              reference %s%n              max relative loss difference %.3g %s",
                Arrays.toString(t.lossesA()), Arrays.toString(t.lossesB()), t.maxRelDiff(), t.passed() ? "ok" : "FAIL"));
        for (Equivalence.Result r : t.gradients()) {
            line("  first-step " + r);
        }
        failed |= !t.passed();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cuda_losses", t.lossesA());
        m.put("reference_losses", t.lossesB());
        m.put("max_rel_loss_diff", t.maxRelDiff());
        List<Map<String, Object>> grads = new ArrayList<>();
        for (Equivalence.Result r : t.gradients()) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("name", r.name());
            g.put("max_abs_diff", r.maxAbsDiff());
            g.put("passed", r.passed());
            grads.add(g);
        }
        m.put("first_step_gradients", grads);
        m.put("passed", t.passed());
        return m;
    }

    private void bench(Map<String, String> opt, boolean strictFp32) {
        int[] in = Arrays.stream(opt.get("input").split("x")).mapToInt(Integer::parseInt).toArray();
        if (in.length != 3) {
            throw new IllegalArgumentException("--input must be CxHxW, got " + opt.get("input"));
        }
        int timesteps = Integer.parseInt(opt.get("timesteps"));
        int batch = Integer.parseInt(opt.get("batch"));
        int iterations = Integer.parseInt(opt.get("iterations"));
        int warmup = Integer.parseInt(opt.get("warmup"));
        double density = Double.parseDouble(opt.get("density"));
        FramingSpec framing = FramingSpec.timeWindow(new SensorGeometry(128, 128), 10_000, in[2], in[1], CountMode.BINARY, 1);
        ModelSpec spec = ModelSpec.of(opt.get("arch"), new InputShape(in[0], in[1], in[2]), timesteps, framing,
                IntStream.range(0, 10).mapToObj(Integer::toString).toList());
        SplittableRandom rnd = new SplittableRandom(3);
        byte[] frames = new byte[timesteps * batch * spec.input().size()];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = (byte) (rnd.nextDouble() < density ? 1 : 0);
        }
        int[] labels = IntStream.range(0, batch).map(i -> i % 10).toArray();
        try (ProfilingBackend gpu = new ProfilingBackend(dev.open(strictFp32));
                BpttNetwork net = new BpttNetwork(gpu, BnntParams.init(spec, 1), SpikeFunction.HEAVISIDE)) {
            float firstLoss = Float.NaN;
            for (int i = 0; i < warmup; i++) {
                float l = step(net, frames, batch, labels).value();
                firstLoss = i == 0 ? l : firstLoss;
            }
            gpu.synchronize();
            long t0 = System.nanoTime();
            Backend.Loss previous = null;
            for (int i = 0; i < iterations; i++) {
                // each step uploads the frames (as counts), as training does; the loss of the step
                // before is read once this one is queued, so the device always has a step to run
                Backend.Loss loss = step(net, frames, batch, labels);
                if (previous != null) {
                    previous.value();
                }
                previous = loss;
            }
            float last = previous.value();
            gpu.synchronize();
            double ms = (System.nanoTime() - t0) / 1e6 / iterations;
            double sps = batch * 1000.0 / ms;
            String key = "bench_" + (strictFp32 ? "strict_fp32" : "tf32");
            line(String.format(Locale.ROOT, "benchmark %s: %s %s T=%d batch %d: %.1f ms/step, %.0f training samples/s"
                    + " (loss %.4f → %.4f; %s)", strictFp32 ? "strict FP32" : "TF32", opt.get("arch"), opt.get("input"),
                    timesteps, batch, ms, sps, firstLoss, last, memory(gpu)));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("arch", opt.get("arch"));
            m.put("input", opt.get("input"));
            m.put("timesteps", timesteps);
            m.put("batch", batch);
            m.put("iterations", iterations);
            m.put("ms_per_step", ms);
            m.put("samples_per_second", sps);
            m.put("loss_first", firstLoss);
            m.put("loss_last", last);
            m.put("memory", memory(gpu));
            m.put("device", gpu.device());
            // where the step's time goes: two more steps, each call waited for and timed
            gpu.profiling(true);
            for (int i = 0; i < 2; i++) {
                step(net, frames, batch, labels).value();
            }
            gpu.profiling(false);
            line("profile (" + key + ", 2 steps, every call synchronised):");
            line(gpu.report(30).stripTrailing());
            List<Map<String, Object>> prof = new ArrayList<>();
            for (ProfilingBackend.Row r : gpu.rows()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("op", r.op());
                row.put("calls", r.calls());
                row.put("total_ms", r.totalMs());
                prof.add(row);
            }
            m.put("profile_2_steps", prof);
            if (gpu.delegate() instanceof CudaBackend c) {
                line("cuDNN algorithms: " + c.convReport());
                m.put("conv_algorithms", c.convReport());
            }
            json.put(key, m);
            if (!Float.isFinite(last)) {
                failed = true;
                line("benchmark loss is not finite");
            }
        }
    }

    private static String memory(ProfilingBackend be) {
        return be.delegate() instanceof CudaBackend c ? c.memoryReport() : "host memory";
    }

    private static Backend.Loss step(BpttNetwork net, byte[] frames, int batch, int[] labels) {
        net.forward(frames, batch, true);
        Backend.Loss loss = net.lossAsync(labels);
        net.backward();
        net.step(0.05f, 0.9f, 1e-4f);
        return loss;
    }

    private void write(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("gpu-check.json"), toJson(json) + "\n", StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("gpu-check.txt"), text.toString(), StandardCharsets.UTF_8);
            log.println("wrote " + dir.resolve("gpu-check.json") + " and gpu-check.txt");
        } catch (IOException e) {
            log.println("gpu-check: cannot write to " + dir + ": " + e);
            failed = true;
        }
    }

    static String toJson(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (sb.length() > 1) {
                    sb.append(',');
                }
                sb.append(toJson(String.valueOf(e.getKey()))).append(':').append(toJson(e.getValue()));
            }
            return sb.append('}').toString();
        }
        if (v instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (Object o : l) {
                if (sb.length() > 1) {
                    sb.append(',');
                }
                sb.append(toJson(o));
            }
            return sb.append(']').toString();
        }
        if (v instanceof float[] f) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < f.length; i++) {
                sb.append(i > 0 ? "," : "").append(toJson(f[i]));
            }
            return sb.append(']').toString();
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? (n instanceof Float || n instanceof Double ? Double.toString(d) : n.toString()) : "null";
        }
        if (v instanceof Boolean) {
            return v.toString();
        }
        String s = v.toString();
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(c < 0x20 ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return sb.append('"').toString();
    }
}

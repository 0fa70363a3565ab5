package io.spikestream.trainer.diagnostics;

import io.spikestream.events.SensorGeometry;
import io.spikestream.snn.InputShape;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.FramingSpec;
import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.BackendProvider;
import io.spikestream.trainer.backend.Backends;
import io.spikestream.trainer.backend.reference.ReferenceBackend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * The GPU machine's self-check, runnable without ND4J (the bare-GPU package): device and library
 * versions; every primitive on the device versus the kernels' Java twins (strict FP32 and TF32);
 * short training runs device versus the Java reference (strict FP32, loss relative difference ≤
 * 1e-3); and the training benchmark ({@link GpuBench}) in TF32 and strict FP32. The result is a
 * {@link Report}: a JSON-ready map, the same in lines of text, and the exit status the {@code
 * gpu-check} command returns (0 all checks passed, 1 a check failed, 3 no usable CUDA here).
 */
public final class GpuCheck {
    /** Opens the backend under test: the CUDA engine on a GPU machine, the reference in tests. */
    public interface Device {
        Optional<String> unavailableReason();

        /** A backend in strict FP32 arithmetic, or one that may use TF32 tensor cores. */
        Backend open(boolean strictFp32);
    }

    /**
     * What to check and benchmark.
     *
     * @param input     {@code CxHxW} of the benchmark network
     * @param skipBench only the equivalence checks
     * @param quick     only the small network's training comparison (not the N-MNIST preset's)
     */
    public record Options(String arch, int[] input, int timesteps, int batch, int iterations, int warmup, double density,
            boolean skipBench, boolean quick) {
        public Options {
            if (input.length != 3) {
                throw new IllegalArgumentException("--input must be CxHxW, got " + Arrays.toString(input));
            }
            input = input.clone();
        }

        /** The benchmark: VGG9 on 2×48×48, T = 20, batch 128, 10 % dense frames. */
        public static Options defaults() {
            return new Options("vgg9", new int[] {2, 48, 48}, 20, 128, 20, 3, 0.1, false, false);
        }

        @Override
        public int[] input() {
            return input.clone();
        }

        /** These options with another benchmark network. */
        public Options withBenchmark(String network, int[] shape, int steps, int batchSize, int timed, int untimed) {
            return new Options(network, shape, steps, batchSize, timed, untimed, density, skipBench, quick);
        }

        public Options withSkipBench(boolean skip) {
            return new Options(arch, input, timesteps, batch, iterations, warmup, density, skip, quick);
        }

        public Options withQuick(boolean q) {
            return new Options(arch, input, timesteps, batch, iterations, warmup, density, skipBench, q);
        }

        String inputText() {
            return input[0] + "x" + input[1] + "x" + input[2];
        }
    }

    /** The check's findings: {@code json} for gpu-check.json, {@code text} for gpu-check.txt. */
    public record Report(int exitCode, Map<String, Object> json, String text) {
        public static final int PASSED = 0;
        public static final int FAILED = 1;
        public static final int CUDA_UNUSABLE = 3;

        public Report {
            json = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(json));
        }
    }

    private final Device dev;
    private final Consumer<String> log;
    private final Map<String, Object> json = new LinkedHashMap<>();
    private final StringBuilder text = new StringBuilder();
    private boolean failed;

    private GpuCheck(Device dev, Consumer<String> log) {
        this.dev = dev;
        this.log = log;
    }

    /** The CUDA engine as the service loader finds it, whether or not it is on the class path. */
    public static Device cuda() {
        Optional<BackendProvider> p = Backends.providers().stream().filter(x -> x.name().equals("cuda")).findFirst();
        return new Device() {
            @Override
            public Optional<String> unavailableReason() {
                return p.isPresent() ? p.get().unavailableReason()
                        : Optional.of("no CUDA backend is on the class path (this build has "
                                + Backends.providers().stream().map(BackendProvider::name).toList() + ")");
            }

            @Override
            public Backend open(boolean strictFp32) {
                return p.orElseThrow().create(strictFp32);
            }
        };
    }

    /** Runs every check on {@code dev}; progress lines go to {@code log} as they come. */
    public static Report run(Options o, Device dev, Consumer<String> log) {
        return new GpuCheck(dev, log).check(o);
    }

    void line(String s) {
        log.accept(s);
        text.append(s).append('\n');
    }

    /** A finding that fails the check. */
    void failed() {
        failed = true;
    }

    void put(String key, Object value) {
        json.put(key, value);
    }

    private Report check(Options o) {
        Optional<String> why = dev.unavailableReason();
        json.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        if (why.isPresent()) {
            line("CUDA is not usable here: " + why.get());
            json.put("cuda_available", false);
            json.put("reason", why.get());
            // the CPU side still runs: the oracle's own sanity (no GPU needed)
            TrainingComparison.Result self = TrainingComparison.run(new ReferenceBackend(), new ReferenceBackend(),
                    TrainingComparison.smallSpec(), 4, 2, 1, 0);
            json.put("reference_self_check", self.passed());
            return new Report(Report.CUDA_UNUSABLE, json, text.toString());
        }
        json.put("cuda_available", true);
        long t0 = System.nanoTime();
        try (Backend strict = dev.open(true)) {
            line("device: " + strict.device());
            line("implementation: " + strict.implementation());
            json.put("device", strict.device());
            json.put("implementation", strict.implementation());
            primitives("primitives_strict_fp32", strict, Equivalence.Tolerance.strictFp32());
            training(strict, o.quick());
        } catch (RuntimeException | LinkageError e) {
            fail("strict FP32 checks", e);
        }
        try (Backend tf32 = dev.open(false)) {
            primitives("primitives_tf32", tf32, Equivalence.Tolerance.tf32());
        } catch (RuntimeException | LinkageError e) {
            fail("TF32 checks", e);
        }
        json.put("check_seconds", (System.nanoTime() - t0) / 1e9);
        if (!o.skipBench()) {
            try {
                GpuBench bench = new GpuBench(this, o, spec(o));
                bench.run(dev, false);
                bench.run(dev, true);
            } catch (RuntimeException | LinkageError e) {
                fail("benchmark", e);
            }
        }
        json.put("passed", !failed);
        line(failed ? "GPU CHECK FAILED" : "GPU CHECK PASSED");
        return new Report(failed ? Report.FAILED : Report.PASSED, json, text.toString());
    }

    private static ModelSpec spec(Options o) {
        int[] in = o.input();
        FramingSpec framing = FramingSpec.timeWindow(new SensorGeometry(128, 128), 10_000, in[2], in[1], CountMode.BINARY, 1);
        return ModelSpec.of(o.arch(), new InputShape(in[0], in[1], in[2]), o.timesteps(), framing,
                IntStream.range(0, 10).mapToObj(Integer::toString).toList());
    }

    void fail(String what, Throwable e) {
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
        eq.report().lines().forEach(log);
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
        ModelSpec small = TrainingComparison.smallSpec();
        runs.put("small_c8-p2-c16-p2-f32_2x16x16_T4_batch8_10steps",
                trainingRun(TrainingComparison.run(strict, new ReferenceBackend(), small, 8, 10, 5, 1e-3)));
        if (quick) {
            json.put("training_strict_fp32_vs_reference", runs);
            return;
        }
        FramingSpec f34 = FramingSpec.timeWindow(new SensorGeometry(34, 34), 20_000, 34, 34, CountMode.BINARY, 1);
        ModelSpec nmnist = ModelSpec.of("nmnist", new InputShape(2, 34, 34), 15, f34,
                IntStream.range(0, 10).mapToObj(Integer::toString).toList());
        runs.put("nmnist_preset_2x34x34_T15_batch8_4steps",
                trainingRun(TrainingComparison.run(strict, new ReferenceBackend(), nmnist, 8, 4, 7, 1e-3)));
        json.put("training_strict_fp32_vs_reference", runs);
    }

    private Map<String, Object> trainingRun(TrainingComparison.Result t) {
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

}

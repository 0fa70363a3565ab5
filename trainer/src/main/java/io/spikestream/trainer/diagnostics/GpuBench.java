package io.spikestream.trainer.diagnostics;

import io.spikestream.snn.BnntParams;
import io.spikestream.snn.ModelSpec;
import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.SpikeFunction;
import io.spikestream.trainer.net.BpttNetwork;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The GPU check's training benchmark: synthetic frames uploaded as counts every step, as training
 * does, with each step's loss read only after the next step is queued, so the device always has a
 * step to run (an upper bound of what training reaches); then a per-operation profile of two
 * synchronised steps and the device's own report. Adds a {@code bench_tf32} or {@code
 * bench_strict_fp32} entry to the {@link GpuCheck}'s report.
 */
final class GpuBench {
    private final GpuCheck check;
    private final GpuCheck.Options o;
    private final ModelSpec spec;
    private final byte[] frames;
    private final int[] labels;

    GpuBench(GpuCheck check, GpuCheck.Options o, ModelSpec spec) {
        this.check = check;
        this.o = o;
        this.spec = spec;
        SplittableRandom rnd = new SplittableRandom(3);
        frames = new byte[o.timesteps() * o.batch() * spec.input().size()];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = (byte) (rnd.nextDouble() < o.density() ? 1 : 0);
        }
        labels = IntStream.range(0, o.batch()).map(i -> i % 10).toArray();
    }

    void run(GpuCheck.Device dev, boolean strictFp32) {
        try (ProfilingBackend gpu = new ProfilingBackend(dev.open(strictFp32));
                BpttNetwork net = new BpttNetwork(gpu, BnntParams.init(spec, 1), SpikeFunction.HEAVISIDE)) {
            float firstLoss = Float.NaN;
            for (int i = 0; i < o.warmup(); i++) {
                float l = step(net).value();
                firstLoss = i == 0 ? l : firstLoss;
            }
            gpu.synchronize();
            long t0 = System.nanoTime();
            Backend.Loss previous = null;
            for (int i = 0; i < o.iterations(); i++) {
                Backend.Loss loss = step(net);
                if (previous != null) {
                    previous.value();
                }
                previous = loss;
            }
            float last = previous.value();
            gpu.synchronize();
            double ms = (System.nanoTime() - t0) / 1e6 / o.iterations();
            double sps = o.batch() * 1000.0 / ms;
            String key = "bench_" + (strictFp32 ? "strict_fp32" : "tf32");
            check.line(String.format(Locale.ROOT, "benchmark %s: %s %s T=%d batch %d: %.1f ms/step, %.0f training samples/s"
                    + " (loss %.4f → %.4f; %s)", strictFp32 ? "strict FP32" : "TF32", o.arch(), o.inputText(),
                    o.timesteps(), o.batch(), ms, sps, firstLoss, last, memory(gpu)));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("arch", o.arch());
            m.put("input", o.inputText());
            m.put("timesteps", o.timesteps());
            m.put("batch", o.batch());
            m.put("iterations", o.iterations());
            m.put("ms_per_step", ms);
            m.put("samples_per_second", sps);
            m.put("loss_first", firstLoss);
            m.put("loss_last", last);
            m.put("memory", memory(gpu));
            m.put("device", gpu.device());
            // where the step's time goes: two more steps, each call waited for and timed
            gpu.profiling(true);
            for (int i = 0; i < 2; i++) {
                step(net).value();
            }
            gpu.profiling(false);
            check.line("profile (" + key + ", 2 steps, every call synchronised):");
            check.line(gpu.report(30).stripTrailing());
            List<Map<String, Object>> prof = new ArrayList<>();
            for (ProfilingBackend.Row r : gpu.rows()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("op", r.op());
                row.put("calls", r.calls());
                row.put("total_ms", r.totalMs());
                prof.add(row);
            }
            m.put("profile_2_steps", prof);
            if (gpu.delegate() instanceof DeviceReport d) {
                check.line("cuDNN algorithms: " + d.convolutionReport());
                m.put("conv_algorithms", d.convolutionReport());
            }
            check.put(key, m);
            if (!Float.isFinite(last)) {
                check.failed();
                check.line("benchmark loss is not finite");
            }
        }
    }

    private static String memory(ProfilingBackend be) {
        return be.delegate() instanceof DeviceReport d ? d.memoryReport() : "host memory";
    }

    private Backend.Loss step(BpttNetwork net) {
        net.forward(frames, o.batch(), true);
        Backend.Loss loss = net.lossAsync(labels);
        net.backward();
        net.step(0.05f, 0.9f, 1e-4f);
        return loss;
    }
}

package io.spikestream.trainer.cli;

import io.spikestream.app.cli.HelpOption;
import io.spikestream.app.cli.JsonOut;
import io.spikestream.snn.ModelSpec;
import io.spikestream.trainer.diagnostics.TrainBench;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code spikestream bench-train}: training samples/s and inference time per step on synthetic input. */
@Command(name = "bench-train",
        description = {"Measure training throughput (forward, BPTT, SGD step) and inference time per time step of a",
            "network on a backend, with synthetic sparse binary frames and freshly initialised weights."})
public final class BenchTrainCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "NAME", description = "cpu, cuda, auto or reference (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--arch", defaultValue = "vgg9", paramLabel = "SPEC", description = "Preset or layer spec (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--input", defaultValue = "2x48x48", paramLabel = "CxHxW", description = "Input shape; C must be 2 (default: ${DEFAULT-VALUE}).")
    String input;

    @Option(names = "--timesteps", defaultValue = "20", paramLabel = "T", description = "Time steps (default: ${DEFAULT-VALUE}).")
    int timesteps;

    @Option(names = "--batch", defaultValue = "128", paramLabel = "N", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--classes", defaultValue = "10", paramLabel = "N", description = "Readout classes (default: ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--warmup", defaultValue = "2", paramLabel = "N", description = "Untimed training steps (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--iterations", defaultValue = "5", paramLabel = "N", description = "Timed training steps (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--inference-steps", defaultValue = "100", paramLabel = "N",
            description = "Time steps timed for batch-1 inference; 0 skips it (default: ${DEFAULT-VALUE}).")
    int inferenceSteps;

    @Option(names = "--density", defaultValue = "0.05", paramLabel = "P",
            description = "Fraction of input pixels that carry an event (default: ${DEFAULT-VALUE}).")
    double density;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print the result as one JSON object on stdout.")
    boolean json;

    @Override
    public Integer call() {
        TrainBench.Request request;
        try {
            String[] p = input.toLowerCase(Locale.ROOT).split("x");
            if (p.length != 3 || Integer.parseInt(p[0].trim()) != 2) {
                throw new IllegalArgumentException("--input: expected 2xHxW (two polarity channels), got '" + input + "'");
            }
            ModelSpec model = TrainBench.syntheticSpec(arch, Integer.parseInt(p[1].trim()), Integer.parseInt(p[2].trim()),
                    timesteps, classes, density);
            request = new TrainBench.Request(backend, model, batch, warmup, iterations, inferenceSteps, density, seed);
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--input: expected 2xHxW, got '" + input + "'");
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter err = spec.commandLine().getErr();
        TrainBench.Measurement m = TrainBench.measure(request, line -> {
            err.println("bench-train: " + line);
            err.flush();
        });
        TrainBench.Figures f = m.figures();
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("backend", m.implementation());
            o.put("device", m.device());
            o.put("arch", request.spec().layerSpec());
            o.put("input", request.spec().input().toString());
            o.put("timesteps", timesteps);
            o.put("batch", batch);
            o.put("samples_per_s", Math.round(f.samplesPerSecond() * 100) / 100.0);
            o.put("ms_per_batch", Math.round(f.msPerBatch() * 10) / 10.0);
            o.put("inference_ms_per_step", Double.isNaN(f.inferenceMsPerStep()) ? null
                    : Math.round(f.inferenceMsPerStep() * 1000) / 1000.0);
            o.put("iterations", iterations);
            o.put("density", density);
            JsonOut.print(spec.commandLine().getOut(), o);
        } else {
            spec.commandLine().getOut().printf(Locale.ROOT,
                    "%s on %s: training %.2f samples/s (%.1f ms per batch of %d, T=%d); inference %.3f ms per step (batch 1)%n",
                    m.implementation(), m.device(), f.samplesPerSecond(), f.msPerBatch(), batch, timesteps,
                    f.inferenceMsPerStep());
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}

package io.spikestream.trainer.cli;

import io.spikestream.app.cli.ExitCodes;
import io.spikestream.app.cli.HelpOption;
import io.spikestream.app.cli.JsonOut;
import io.spikestream.app.cli.OutputOption;
import io.spikestream.events.io.FilePaths;
import io.spikestream.trainer.diagnostics.GpuCheck;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code spikestream gpu-check}: the CUDA engine against the Java reference, and the training benchmark. */
@Command(name = "gpu-check",
        description = {"Check the CUDA backend on this machine: every primitive and short training runs against the",
            "pure-Java reference (strict FP32 and TF32), then the training benchmark with a per-operation profile.",
            "Writes gpu-check.json and gpu-check.txt to --out. Exit 0 all checks passed, 1 a check failed,",
            "2 bad usage, 3 CUDA is not usable here (the reason is in gpu-check.json)."})
public final class GpuCheckCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for gpu-check.json and gpu-check.txt.")
    Path out;

    @Option(names = "--arch", defaultValue = "vgg9", paramLabel = "SPEC", description = "Benchmark network (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--input", defaultValue = "2x48x48", paramLabel = "CxHxW", description = "Benchmark input (default: ${DEFAULT-VALUE}).")
    String input;

    @Option(names = "--timesteps", defaultValue = "20", paramLabel = "T", description = "Benchmark time steps (default: ${DEFAULT-VALUE}).")
    int timesteps;

    @Option(names = "--batch", defaultValue = "128", paramLabel = "N", description = "Benchmark batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--iterations", defaultValue = "20", paramLabel = "N", description = "Timed benchmark steps (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--warmup", defaultValue = "3", paramLabel = "N", description = "Untimed benchmark steps (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--density", defaultValue = "0.1", paramLabel = "P",
            description = "Fraction of benchmark input pixels set (default: ${DEFAULT-VALUE}).")
    double density;

    @Option(names = "--skip-bench", description = "Only the equivalence checks.")
    boolean skipBench;

    @Option(names = "--quick", description = "Only the small network's training comparison.")
    boolean quick;

    @Option(names = "--json", description = "Also print gpu-check.json's object on stdout.")
    boolean json;

    @Override
    public Integer call() {
        OutputOption.check(spec.commandLine(), "--out", out, FilePaths.unwritableDirectory(out));
        GpuCheck.Options o;
        try {
            int[] in = Arrays.stream(input.toLowerCase(java.util.Locale.ROOT).split("x")).map(String::trim)
                    .mapToInt(Integer::parseInt).toArray();
            o = new GpuCheck.Options(arch, in, timesteps, batch, iterations, warmup, density, skipBench, quick);
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--input: expected CxHxW, got '" + input + "'");
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter err = spec.commandLine().getErr();
        GpuCheck.Report r = GpuCheck.run(o, GpuCheck.cuda(), line -> {
            err.println(line);
            err.flush();
        });
        Object report = JsonOut.nonFiniteAsNull(r.json());
        try {
            Files.createDirectories(out);
            Files.writeString(out.resolve("gpu-check.json"), JsonOut.toJson(report) + "\n", StandardCharsets.UTF_8);
            Files.writeString(out.resolve("gpu-check.txt"), r.text(), StandardCharsets.UTF_8);
            err.println("wrote " + out.resolve("gpu-check.json") + " and gpu-check.txt");
        } catch (IOException e) {
            err.println("gpu-check: cannot write to " + out + ": " + e);
            err.flush();
            return r.exitCode() == GpuCheck.Report.PASSED ? ExitCodes.FAILURE : r.exitCode();
        }
        err.flush();
        if (json) {
            JsonOut.print(spec.commandLine().getOut(), report);
        }
        return r.exitCode();
    }
}

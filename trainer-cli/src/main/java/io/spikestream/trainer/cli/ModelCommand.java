package io.spikestream.trainer.cli;

import io.spikestream.app.cli.HelpOption;
import io.spikestream.app.cli.JsonOut;
import io.spikestream.app.cli.OutputOption;
import io.spikestream.events.dataset.Dataset;
import io.spikestream.events.io.FilePaths;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.EarlyExitSettings;
import io.spikestream.snn.ModelProvenance;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.checkpoint.CheckpointCodec;
import io.spikestream.snn.checkpoint.CheckpointContents;
import io.spikestream.trainer.eval.Recalibration;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code spikestream model ...}: checkpoint tools. */
@Command(name = "model", description = "Checkpoint tools.", subcommands = {ModelCommand.Inspect.class, ModelCommand.Calibrate.class})
public final class ModelCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** {@code spikestream model inspect CKPT}. */
    @Command(name = "inspect", description = "Show a checkpoint's configuration, early-exit calibration and provenance.")
    public static final class Inspect implements Callable<Integer> {
        @Mixin
        HelpOption help;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "CKPT", description = "Checkpoint file.")
        Path file;

        @CommandLine.Option(names = "--json", description = "Print one JSON object on stdout.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> o = describe(CheckpointCodec.readContents(file), Files.size(file));
            if (json) {
                JsonOut.print(spec.commandLine().getOut(), o);
            } else {
                PrintWriter out = spec.commandLine().getOut();
                o.forEach((k, v) -> out.printf(Locale.ROOT, "%-20s %s%n", k, v instanceof float[] f ? pct(f) : v));
                out.flush();
            }
            return 0;
        }
    }

    /** {@code spikestream model calibrate CKPT --data DIR}: redo the early-exit calibration on the held-out split. */
    @Command(name = "calibrate",
            description = {"Calibrate early exit again on a training run's held-out split (re-created per class from",
                "--val-split and the seed) and rewrite the checkpoint's calibration and accuracy per step."})
    public static final class Calibrate implements Callable<Integer> {
        @Mixin
        HelpOption help;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "CKPT", description = "Checkpoint file.")
        Path file;

        @CommandLine.Option(names = "--data", required = true, paramLabel = "DIR", description = "The training data-set folder.")
        Path data;

        @CommandLine.Option(names = "--dataset", defaultValue = "auto", paramLabel = "KIND",
                description = "Data-set layout: auto, nmnist, cifar10-dvs, folders, emulated-images (default: ${DEFAULT-VALUE}).")
        String dataset;

        @CommandLine.Option(names = "--val-split", defaultValue = "0.1", paramLabel = "F",
                description = "Held-out fraction per class used in training (default: ${DEFAULT-VALUE}).")
        double valSplit;

        @CommandLine.Option(names = "--seed", paramLabel = "N", description = "Split seed (default: the checkpoint's training seed).")
        Long seed;

        @CommandLine.Option(names = "--backend", defaultValue = "auto", paramLabel = "NAME",
                description = "Compute backend: cpu, cuda, auto, or reference (pure Java, slow) (default: ${DEFAULT-VALUE}).")
        String backend;

        @CommandLine.Option(names = "--out", paramLabel = "FILE", description = "Write here instead of rewriting CKPT.")
        Path out;

        @CommandLine.Option(names = "--json", description = "Print one JSON object on stdout.")
        boolean json;

        @Override
        public Integer call() {
            Path target = out == null ? file : out;
            OutputOption.check(spec.commandLine(), out == null ? "CKPT" : "--out", target, FilePaths.unwritable(target, true));
            Recalibration.Request request;
            try {
                if (!(valSplit > 0 && valSplit < 1)) {
                    throw new IllegalArgumentException("--val-split must be in (0, 1), got " + valSplit);
                }
                request = new Recalibration.Request(file, Dataset.open(data, ModelOptions.datasetKind(dataset)), valSplit,
                        seed, backend, out);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            PrintWriter err = spec.commandLine().getErr();
            BnntModel done = Recalibration.run(request, line -> {
                err.println("calibrate: " + line);
                err.flush();
            });
            EarlyExitSettings e = done.earlyExit();
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("checkpoint", request.target().toString());
            o.put("samples", e.samples());
            o.put("threshold", e.confidenceThreshold());
            o.put("min_steps", e.minSteps());
            o.put("accuracy", e.accuracy());
            o.put("mean_steps", e.meanSteps());
            o.put("full_accuracy", e.fullAccuracy());
            o.put("gamma_exit_step", e.gammaExitStep());
            if (json) {
                JsonOut.print(spec.commandLine().getOut(), o);
            } else {
                PrintWriter w = spec.commandLine().getOut();
                w.printf(Locale.ROOT, "tau %.5f, min steps %d: %.2f %% in %.2f steps (full T %.2f %%) on %d held-out"
                        + " samples; wrote %s%n", e.confidenceThreshold(), e.minSteps(), 100 * e.accuracy(), e.meanSteps(),
                        100 * e.fullAccuracy(), e.samples(), request.target());
                w.flush();
            }
            return 0;
        }
    }

    private static String pct(float[] f) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < f.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", f[i]));
        }
        return sb.append(']').toString();
    }

    static Map<String, Object> describe(CheckpointContents contents, long bytes) {
        BnntModel m = contents.model();
        ModelSpec s = m.spec();
        ModelProvenance p = m.provenance();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("format_version", CheckpointCodec.FORMAT_VERSION);
        o.put("model_id", m.modelId());
        o.put("integrity", contents.integrity().description());
        o.put("file_bytes", bytes);
        o.put("architecture", s.architecture());
        o.put("layers", s.layerSpec());
        o.put("timesteps", s.timesteps());
        o.put("input", s.input().toString());
        o.put("framing", s.framing().describe());
        o.put("classes", s.classNames());
        o.put("leak", s.leak());
        o.put("threshold", s.threshold());
        o.put("parameters", m.params().parameterCount());
        EarlyExitSettings e = m.earlyExit();
        Map<String, Object> exit = new LinkedHashMap<>();
        exit.put("confidence_threshold", e.confidenceThreshold());
        exit.put("min_steps", e.minSteps());
        exit.put("accuracy", e.accuracy());
        exit.put("mean_steps", e.meanSteps());
        exit.put("full_accuracy", e.fullAccuracy());
        exit.put("tolerance_points", e.tolerancePoints());
        exit.put("gamma_exit_step", e.gammaExitStep());
        exit.put("gamma_threshold", e.gammaThreshold());
        exit.put("samples", e.samples());
        o.put("early_exit", exit);
        o.put("backend", p.backend());
        o.put("device", p.device());
        Map<String, Object> trained = new LinkedHashMap<>();
        trained.put("dataset", p.dataset());
        trained.put("data_dir", p.dataDir());
        trained.put("split", p.split());
        trained.put("train_samples", p.trainSamples());
        trained.put("validation_samples", p.validationSamples());
        trained.put("seed", p.seed());
        trained.put("epochs", p.epochs());
        trained.put("batch_size", p.batchSize());
        trained.put("learning_rate", p.learningRate());
        trained.put("training_seconds", p.trainingSeconds());
        trained.put("created_at", p.createdAt());
        trained.put("software_version", p.softwareVersion());
        trained.put("command_line", p.commandLine());
        o.put("trained_on", trained);
        o.put("best_accuracy", p.bestAccuracy());
        o.put("accuracy_by_step", p.accuracyByStepArray());
        o.put("resumable", contents.resumeState().isPresent());
        return o;
    }
}

package io.spikestream.trainer.cli;

import io.spikestream.app.cli.DurationConverter;
import io.spikestream.app.cli.HelpOption;
import io.spikestream.app.cli.JsonOut;
import io.spikestream.app.cli.OutputOption;
import io.spikestream.app.cli.VersionInfo;
import io.spikestream.events.io.FilePaths;
import io.spikestream.trainer.TrainConfig;
import io.spikestream.trainer.TrainingOptions;
import io.spikestream.trainer.TrainingResult;
import io.spikestream.trainer.TrainingRun;
import io.spikestream.trainer.data.Augmentation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code spikestream train}: train a BNTT network from scratch and write a checkpoint. */
@Command(name = "train",
        description = {"Train a BNTT spiking network with backpropagation through time and write a checkpoint.",
            "%nThe best epoch by validation accuracy at T is kept in --out; the latest state goes to "
                + "<out>.resume (continue with --resume). At the end, early exit is calibrated on the validation split.",
            "%nWith --time-budget, the first epoch's duration decides how many epochs (at most --epochs) fit in "
                + "the budget, which counts from the start (reading and framing the data included); the "
                + "learning-rate schedule follows that count.%n"})
public final class TrainCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dataset", defaultValue = "auto", paramLabel = "KIND",
            description = "Data-set layout: auto, nmnist, cifar10-dvs, folders, or emulated-images (images in class"
                    + " folders, each emulated as a CIFAR10-DVS recording in memory as 'events emulate --images' would"
                    + " write it with seed 1) (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Data-set folder.")
    Path data;

    @Mixin
    ModelOptions model;

    @Option(names = "--epochs", defaultValue = "60", paramLabel = "N",
            description = "Epochs; with --time-budget the most epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--time-budget", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Wall-clock budget such as 150s, 3m or 1h, counted from the start (reading and framing the"
                    + " data included; the final calibration comes after it): after the first epoch the run keeps as"
                    + " many epochs as fit, at most --epochs, and divides the learning rate by 10 at 50, 70 and 90 %%"
                    + " of that count. Not with --resume.")
    Duration timeBudget;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "N", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "0.1", paramLabel = "X",
            description = "Learning rate; divided by 10 at 50, 70 and 90 %% of the epochs (default: ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N",
            description = "Seed of the split, initialisation, shuffling and augmentation (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "NAME",
            description = "Compute backend: cpu, cuda, auto, or reference (pure Java, slow: for rehearsals without ND4J or CUDA) (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--val-split", defaultValue = "0.1", paramLabel = "F",
            description = "Fraction of each class held out for validation, by the seed (default: ${DEFAULT-VALUE}).")
    double valSplit;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Checkpoint to write.")
    Path out;

    @Option(names = "--resume", description = "Continue from <out>.resume.")
    boolean resume;

    @Option(names = "--flip", description = "Augment: random horizontal flips.")
    boolean flip;

    @Option(names = "--roll", defaultValue = "0", paramLabel = "PX",
            description = "Augment: random rolls of up to PX pixels in x and y (default: ${DEFAULT-VALUE}).")
    int roll;

    @Option(names = "--loader-threads", paramLabel = "N",
            description = "Threads that decode, frame and assemble batches (default: available processors).")
    Integer loaderThreads;

    @Option(names = "--json", description = "Print the result as one JSON object on stdout.")
    boolean json;

    @Override
    public Integer call() {
        OutputOption.check(spec.commandLine(), "--out", out, FilePaths.unwritable(out, true));
        TrainingOptions options;
        try {
            options = options();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        TrainingResult r = TrainingRun.run(options, new TrainProgress(spec.commandLine().getErr()));
        if (json) {
            JsonOut.print(spec.commandLine().getOut(), toJson(r));
        } else {
            spec.commandLine().getOut().printf(Locale.ROOT, "best validation accuracy %.2f %% after %d epochs%s, %.1f samples/s; wrote %s%n",
                    100 * r.bestAccuracy(), r.epochs(), r.epochs() < r.epochsRequested()
                            ? String.format(Locale.ROOT, " (of at most %d, by the time budget)", r.epochsRequested()) : "",
                    r.samplesPerSecond(), r.checkpoint());
            spec.commandLine().getOut().flush();
        }
        return 0;
    }

    private TrainingOptions options() {
        if (timeBudget != null && (timeBudget.isZero() || timeBudget.isNegative())) {
            throw new IllegalArgumentException("--time-budget must be positive, got '" + timeBudget + "'");
        }
        if (timeBudget != null && resume) {
            throw new IllegalArgumentException("--time-budget cannot be combined with --resume (the resumed epochs"
                    + " followed another learning-rate schedule)");
        }
        TrainConfig cfg = TrainConfig.builder().epochs(epochs).batchSize(batch).learningRate(lr).seed(seed)
                .augmentation(new Augmentation(flip, roll))
                .loaderThreads(loaderThreads != null ? loaderThreads : Runtime.getRuntime().availableProcessors())
                .timeBudget(timeBudget).build();
        return TrainingOptions.builder().data(data).datasetKind(ModelOptions.datasetKind(dataset))
                .architecture(model.architecture).timesteps(model.timesteps).framing(model.framing()).train(cfg)
                .backend(backend).validationSplit(valSplit).out(out).resume(resume).commandLine(commandLine())
                .softwareVersion(VersionInfo.describe()).build();
    }

    private Map<String, Object> toJson(TrainingResult r) {
        Map<String, Object> o = new LinkedHashMap<>();
        // without a validation split there is no held-out accuracy to report
        o.put("best_accuracy", r.bestAccuracy() >= 0 ? r.bestAccuracy() : null);
        o.put("epochs", r.epochs());
        o.put("epochs_requested", r.epochsRequested());
        o.put("time_budget_s", timeBudget == null ? null : timeBudget.toMillis() / 1000.0);
        o.put("stopped_by_budget", r.stoppedByBudget());
        o.put("framing_s", Math.round(r.framingSeconds() * 10) / 10.0);
        o.put("seconds", Math.round(r.seconds() * 10) / 10.0);
        o.put("samples_per_s", Math.round(r.samplesPerSecond() * 100) / 100.0);
        o.put("checkpoint", r.checkpoint().toString());
        o.put("accuracy_by_step", r.accuracyByStep());
        o.put("early_exit", Map.of("threshold", r.model().earlyExit().confidenceThreshold(),
                "min_steps", r.model().earlyExit().minSteps(),
                "accuracy", r.model().earlyExit().accuracy(), "mean_steps", r.model().earlyExit().meanSteps(),
                "gamma_exit_step", r.model().earlyExit().gammaExitStep()));
        o.put("backend", r.backendDescription());
        return o;
    }

    private String commandLine() {
        // run through the root command the original arguments start with the subcommand's name
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        boolean named = !args.isEmpty() && args.get(0).equals(spec.name());
        return "spikestream " + (named ? "" : spec.name() + " ") + String.join(" ", args);
    }
}

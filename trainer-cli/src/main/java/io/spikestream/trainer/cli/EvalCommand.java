package io.spikestream.trainer.cli;

import io.spikestream.app.cli.HelpOption;
import io.spikestream.app.cli.JsonOut;
import io.spikestream.events.dataset.Dataset;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.EarlyExitSettings;
import io.spikestream.trainer.data.SkippedInputs;
import io.spikestream.trainer.eval.Evaluation;
import io.spikestream.trainer.eval.ModelEvaluation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code spikestream eval}: accuracy per step, early exit and confusion matrix of a checkpoint on a data set. */
@Command(name = "eval",
        description = {"Evaluate a checkpoint on a data set: accuracy after every time step, the early-exit table",
            "(tau -> accuracy and mean steps), BNTT's gamma exit step and the confusion matrix at T.",
            "--subset validation re-creates the training run's held-out split (per class, by --val-split and --seed)."})
public final class EvalCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "CKPT", description = "Checkpoint.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Data-set folder.")
    Path data;

    @Option(names = "--dataset", defaultValue = "auto", paramLabel = "KIND",
            description = "Data-set layout: auto, nmnist, cifar10-dvs, folders, emulated-images (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--subset", defaultValue = "all", paramLabel = "WHICH",
            description = "all, validation or train (default: ${DEFAULT-VALUE}).")
    String subset;

    @Option(names = "--val-split", defaultValue = "0.1", paramLabel = "F",
            description = "Held-out fraction per class for --subset (default: ${DEFAULT-VALUE}).")
    double valSplit;

    @Option(names = "--seed", paramLabel = "N", description = "Split seed for --subset (default: the checkpoint's training seed).")
    Long seed;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "NAME",
            description = "Compute backend: cpu, cuda, auto, or reference (pure Java, slow: for rehearsals without ND4J or CUDA) (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "N", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--json", description = "Print the result as one JSON object on stdout.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        ModelEvaluation.Request request;
        try {
            ModelEvaluation.Subset which = ModelEvaluation.Subset.parse(subset);
            if (which != ModelEvaluation.Subset.ALL && !(valSplit > 0 && valSplit < 1)) {
                throw new IllegalArgumentException("--val-split must be in (0, 1), got " + valSplit);
            }
            if (batch < 1) {
                throw new IllegalArgumentException("--batch must be at least 1");
            }
            Dataset ds = Dataset.open(data, ModelOptions.datasetKind(dataset));
            SkippedInputs.report(ds, line -> err.println("eval: " + line));
            request = new ModelEvaluation.Request(model, ds, which, valSplit, seed, backend, batch);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        ModelEvaluation.Outcome r = ModelEvaluation.evaluate(request, line -> {
            err.println("eval: " + line);
            err.flush();
        });
        if (json) {
            JsonOut.print(spec.commandLine().getOut(), toJson(r.model(), r.evaluation()));
        } else {
            print(spec.commandLine().getOut(), r.model(), r.evaluation());
        }
        return 0;
    }

    static Map<String, Object> toJson(BnntModel m, Evaluation ev) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model_id", m.modelId());
        o.put("samples", ev.samples());
        o.put("accuracy", ev.accuracy());
        o.put("accuracy_by_step", ev.accuracyByStep());
        Map<String, Object> exit = row(ev.exit());
        exit.put("min_steps", ev.minSteps());
        o.put("early_exit", exit);
        o.put("early_exit_table_min_steps", ev.minSteps());
        List<Map<String, Object>> table = new ArrayList<>();
        ev.table().forEach(r -> table.add(row(r)));
        o.put("early_exit_table", table);
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("step", ev.gammaExitStep());
        g.put("accuracy", ev.gammaExitAccuracy());
        o.put("gamma_exit", g);
        o.put("classes", m.spec().classNames());
        o.put("confusion", ev.confusion());
        return o;
    }

    private static Map<String, Object> row(EarlyExitSettings.Row r) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("threshold", r.threshold());
        o.put("accuracy", r.accuracy());
        o.put("mean_steps", r.meanSteps());
        return o;
    }

    static void print(PrintWriter out, BnntModel m, Evaluation ev) {
        out.printf(Locale.ROOT, "%d samples, accuracy at T=%d: %.2f %%%n", ev.samples(), m.spec().timesteps(), 100 * ev.accuracy());
        out.println("accuracy by step:");
        for (int t = 0; t < ev.accuracyByStep().length; t++) {
            out.printf(Locale.ROOT, "  %2d  %6.2f %%%n", t + 1, 100 * ev.accuracyByStep()[t]);
        }
        out.printf(Locale.ROOT, "early exit at the model's tau %.5f, min steps %d: %.2f %% in %.2f steps on average%n",
                ev.exit().threshold(), ev.minSteps(), 100 * ev.exit().accuracy(), ev.exit().meanSteps());
        out.printf(Locale.ROOT, "early-exit table (min steps %d):%n", ev.minSteps());
        out.println("                    tau   accuracy   mean steps");
        for (EarlyExitSettings.Row r : ev.table()) {
            out.printf(Locale.ROOT, "                  %6.4f  %6.2f %%   %6.2f%n", r.threshold(), 100 * r.accuracy(), r.meanSteps());
        }
        out.printf(Locale.ROOT, "BNTT gamma exit step: %s%n", ev.gammaExitStep() == 0 ? "none"
                : String.format(Locale.ROOT, "%d (accuracy %.2f %%)", ev.gammaExitStep(), 100 * ev.gammaExitAccuracy()));
        out.println("confusion matrix at T (rows: label, columns: predicted):");
        List<String> names = m.spec().classNames();
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%12s", ""));
        for (int j = 0; j < names.size(); j++) {
            head.append(String.format(Locale.ROOT, "%5d", j));
        }
        out.println(head);
        for (int i = 0; i < names.size(); i++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%2d %-9.9s", i, names.get(i)));
            for (int j = 0; j < names.size(); j++) {
                row.append(String.format(Locale.ROOT, "%5d", ev.confusion()[i][j]));
            }
            out.println(row);
        }
        out.flush();
    }
}

package io.spikestream.trainer.cli;

import io.spikestream.trainer.cli.session.GpuSessionCommand;
import java.util.List;
import picocli.CommandLine;

/** The training commands, registered under a root command: the app's {@code spikestream} and {@link TrainerCli}. */
public final class TrainerCommands {
    private TrainerCommands() {
    }

    /** New instances of train, eval, model, bench-train, gpu-check and gpu-session. */
    public static List<Object> all() {
        return List.of(new TrainCommand(), new EvalCommand(), new ModelCommand(), new BenchTrainCommand(),
                new GpuCheckCommand(), new GpuSessionCommand());
    }

    /** Adds them to {@code root}. */
    public static CommandLine addTo(CommandLine root) {
        for (Object c : all()) {
            root.addSubcommand(new CommandLine(c));
        }
        return root;
    }
}

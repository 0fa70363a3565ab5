package io.spikestream.trainer.cli;

import io.spikestream.app.cli.ExitCodes;
import io.spikestream.app.cli.VersionInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The training commands without the rest of {@code spikestream} (no Kafka, no serving): the command
 * line of the bare-GPU package, whose class path holds the trainer, the CUDA engine and this
 * module, and of the GPU session's stages. The same commands, options and exit codes as under the
 * app's {@code spikestream}.
 */
@Command(name = "spikestream",
        mixinStandardHelpOptions = true,
        versionProvider = VersionInfo.class,
        description = "spikestream's training commands (the GPU package's command line).",
        subcommands = {CommandLine.HelpCommand.class})
public final class TrainerCli implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    public static CommandLine commandLine() {
        return ExitCodes.configure(TrainerCommands.addTo(new CommandLine(new TrainerCli())));
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}

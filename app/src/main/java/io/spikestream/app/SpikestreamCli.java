package io.spikestream.app;

import io.spikestream.app.bench.BenchCommand;
import io.spikestream.app.demo.DemoCommand;
import io.spikestream.app.events.EventsCommand;
import io.spikestream.app.ingest.CameraCommand;
import io.spikestream.app.ingest.IngestCommand;
import io.spikestream.app.replay.ReplayCommand;
import io.spikestream.app.serve.BrokerCommand;
import io.spikestream.app.serve.ServeCommand;
import io.spikestream.app.cli.ExitCodes;
import io.spikestream.app.cli.VersionInfo;
import io.spikestream.trainer.cli.TrainerCommands;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code spikestream} command line. Exit codes: 0 success, 1 failure, 2 bad usage.
 * Subcommands are registered in {@link #commandLine()}.
 */
@Command(name = "spikestream",
        mixinStandardHelpOptions = true,
        versionProvider = VersionInfo.class,
        description = "Classify event-camera (DVS) streams with BNTT spiking neural networks on Apache Kafka.",
        subcommands = {CommandLine.HelpCommand.class})
public final class SpikestreamCli implements Callable<Integer> {

    public static final int EXIT_OK = ExitCodes.OK;
    public static final int EXIT_FAILURE = ExitCodes.FAILURE;
    public static final int EXIT_USAGE = ExitCodes.USAGE;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        // no subcommand given: show what there is, as a usage error
        spec.commandLine().usage(System.err);
        return EXIT_USAGE;
    }

    /** The fully configured command line; tests run commands through it. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SpikestreamCli());
        // one line per command group; each group registers its own subcommands
        cl.addSubcommand(new CommandLine(new DemoCommand()));
        cl.addSubcommand(new CommandLine(new EventsCommand()));
        cl.addSubcommand(new CommandLine(new BrokerCommand()));
        cl.addSubcommand(new CommandLine(new ServeCommand()));
        cl.addSubcommand(new CommandLine(new ReplayCommand()));
        cl.addSubcommand(new CommandLine(new IngestCommand()));
        cl.addSubcommand(new CommandLine(new CameraCommand()));
        cl.addSubcommand(new CommandLine(new BenchCommand()));
        // train, eval, model, bench-train, gpu-check, gpu-session: the GPU package's command line has them too
        TrainerCommands.addTo(cl);
        return ExitCodes.configure(cl);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}

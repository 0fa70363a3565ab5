package io.spikestream.app;

import io.spikestream.app.bench.BenchCommand;
import io.spikestream.app.demo.DemoCommand;
import io.spikestream.app.events.EventsCommand;
import io.spikestream.app.replay.ReplayCommand;
import io.spikestream.app.serve.BrokerCommand;
import io.spikestream.app.serve.ServeCommand;
import io.spikestream.app.train.BenchTrainCommand;
import io.spikestream.app.train.EvalCommand;
import io.spikestream.app.train.ModelCommand;
import io.spikestream.app.train.TrainCommand;
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

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

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
        cl.addSubcommand(new CommandLine(new BenchCommand()));
        cl.addSubcommand(new CommandLine(new TrainCommand()));
        cl.addSubcommand(new CommandLine(new EvalCommand()));
        cl.addSubcommand(new CommandLine(new ModelCommand()));
        cl.addSubcommand(new CommandLine(new BenchTrainCommand()));
        cl.setExitCodeExceptionMapper(t -> t instanceof CommandLine.ParameterException ? EXIT_USAGE : EXIT_FAILURE);
        cl.setExecutionExceptionHandler(new FailureHandler());
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}

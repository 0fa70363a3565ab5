package io.spikestream.app.events;

import io.spikestream.app.SpikestreamCli;
import io.spikestream.app.cli.HelpOption;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code spikestream events ...}: work on event recordings. */
@Command(name = "events",
        subcommands = {InspectCommand.class, EmulateCommand.class},
        description = "Work with event recordings: decode, inspect, emulate.")
public final class EventsCommand implements Callable<Integer> {
    @CommandLine.Mixin
    HelpOption help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return SpikestreamCli.EXIT_USAGE;
    }
}

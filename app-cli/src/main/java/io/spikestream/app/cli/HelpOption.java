package io.spikestream.app.cli;

import picocli.CommandLine.Option;

/** {@code -h/--help} for subcommands ({@code @Mixin HelpOption help;}); the version lives on the root. */
public final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;
}

package io.spikestream.app.cli;

import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Output paths are checked before a command does any work, so that a long run does not fail at its end
 * for a path it could never write: a problem is a usage error naming the option, the path and why.
 */
public final class OutputOption {
    private OutputOption() {
    }

    /**
     * @param problem why {@code path} cannot be written (e.g. {@code FilePaths.unwritable}), or null when it can
     * @throws CommandLine.ParameterException when there is a problem
     */
    public static void check(CommandLine cl, String option, Path path, String problem) {
        if (problem != null) {
            throw new CommandLine.ParameterException(cl, option + " " + path + ": " + problem);
        }
    }
}

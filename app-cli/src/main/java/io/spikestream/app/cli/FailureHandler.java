package io.spikestream.app.cli;

import picocli.CommandLine;

/**
 * Turns an exception from a command into one clear line on stderr and exit code 1; the stack
 * trace only with SPIKESTREAM_DEBUG=1, since users need the what and where, not our internals.
 */
public final class FailureHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": error: " + msg);
        if ("1".equals(System.getenv("SPIKESTREAM_DEBUG"))) {
            ex.printStackTrace(cmd.getErr());
        }
        cmd.getErr().flush();
        return ExitCodes.FAILURE;
    }
}

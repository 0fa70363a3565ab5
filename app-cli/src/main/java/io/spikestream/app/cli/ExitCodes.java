package io.spikestream.app.cli;

import picocli.CommandLine;

/** The exit codes of every spikestream command: 0 success, 1 failure, 2 bad usage. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;

    private ExitCodes() {
    }

    /**
     * Makes {@code cl} answer with these codes: a parameter error is bad usage, any other exception
     * a failure reported in one line ({@link FailureHandler}).
     */
    public static CommandLine configure(CommandLine cl) {
        cl.setExitCodeExceptionMapper(t -> t instanceof CommandLine.ParameterException ? USAGE : FAILURE);
        cl.setExecutionExceptionHandler(new FailureHandler());
        return cl;
    }
}

package io.spikestream.app.testing;

import io.spikestream.app.SpikestreamCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One run of the real command line with its stdout and stderr captured. */
public record CliRun(int exit, String out, String err) {

    public static CliRun run(String... args) {
        CommandLine cl = SpikestreamCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }
}

package io.spikestream.app.cli.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.spikestream.app.cli.JsonOut;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * One run of a command line in the test's JVM: the exit code and everything printed to stdout and
 * stderr. The commands' tests run through the same root command the user does.
 */
public record CliRun(int exit, String out, String err) {

    /** Runs {@code args} on {@code cl}, capturing its output. */
    public static CliRun of(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    /** Stdout as the one JSON object a {@code --json} command prints. */
    public JsonNode json() throws Exception {
        return JsonOut.mapper().readTree(out);
    }
}

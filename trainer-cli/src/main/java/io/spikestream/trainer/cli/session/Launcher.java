package io.spikestream.trainer.cli.session;

import io.spikestream.trainer.cli.TrainerCli;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How a session starts one of the package's commands: through the package's {@code run-train.sh}
 * (which sets the CUDA library path and reads its JVM options from {@code JAVA_OPTS}), or, without
 * one, with this JVM's runtime and class path and the trainer's command line. A crash of the JVM
 * leaves its report in the stage's log folder.
 *
 * @param script   the launcher script, or empty for this JVM's runtime
 * @param javaOpts the commands' JVM options
 */
record Launcher(List<String> script, String javaOpts) {
    Launcher {
        script = List.copyOf(script);
    }

    List<String> command(List<String> args, Path errorFile) {
        List<String> cmd = new ArrayList<>();
        if (!script.isEmpty()) {
            cmd.addAll(script);
        } else {
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(Arrays.stream(javaOpts.trim().split("\\s+")).filter(x -> !x.isEmpty()).toList());
            cmd.addAll(List.of("-XX:ErrorFile=" + errorFile, "-Djava.awt.headless=true", "-cp",
                    System.getProperty("java.class.path"), TrainerCli.class.getName()));
        }
        cmd.addAll(args);
        return cmd;
    }

    /** The environment the launcher script reads. */
    Map<String, String> environment(Path errorFile) {
        return Map.of("JAVA_OPTS", javaOpts + " -XX:ErrorFile=" + errorFile);
    }

    /** Starts {@code args} with its JVM crash report next to {@code log}. */
    ChildProcess start(List<String> args, Path stdout, Path log) throws java.io.IOException {
        Path errorFile = log.toAbsolutePath().getParent().resolve("hs_err_pid%p.log");
        return ChildProcess.start(command(args, errorFile), environment(errorFile), stdout, log, System.err);
    }
}

package io.spikestream.gpu;

import io.spikestream.trainer.backend.cuda.GpuCheck;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the bare-GPU package: the app's training commands without the rest of the
 * {@code spikestream} CLI (whose Kafka and emulator commands need jars this package leaves out),
 * plus {@code gpu-check}. Same exit codes: 0 success, 1 failure, 2 bad usage. The commands are
 * loaded by name from the app's classes (lib/spikestream-app-classes.jar), so that this launcher
 * compiles without the app artifact (which is the shaded jar with ND4J in it).
 */
@Command(name = "spikestream-gpu", mixinStandardHelpOptions = true,
        description = "spikestream training commands for a machine with CUDA and no JDK (see gpu-package/README.md).",
        subcommands = {CommandLine.HelpCommand.class})
public final class GpuMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /** The app's training commands (module app, package io.spikestream.app.train). */
    static final List<String> COMMANDS = List.of("TrainCommand", "EvalCommand", "ModelCommand", "BenchTrainCommand");

    private static Object instantiate(String simpleName) {
        String cls = "io.spikestream.app.train." + simpleName;
        try {
            return Class.forName(cls).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("the package lacks the app command " + cls + " (" + e + ")", e);
        }
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new GpuMain());
        for (String name : COMMANDS) {
            cl.addSubcommand(new CommandLine(instantiate(name)));
        }
        cl.setExitCodeExceptionMapper(t -> t instanceof CommandLine.ParameterException ? 2 : 1);
        cl.setExecutionExceptionHandler((ex, cmd, parse) -> {
            cmd.getErr().println(cmd.getCommandName() + ": " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            if (System.getenv("SPIKESTREAM_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cl;
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("gpu-check")) {
            // GpuCheck has its own exit codes (3: no usable CUDA here)
            GpuCheck.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        System.exit(commandLine().execute(args));
    }
}

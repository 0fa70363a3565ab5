package io.spikestream.trainer.cli.session;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One command of a stage, under a timeout: SIGTERM when it runs out, SIGKILL a grace later, as
 * {@code timeout -k} does. Its stdout goes to a file (the command's JSON) or, merged with stderr,
 * to the log; its stderr is copied to the stage's log and to the session's stderr as it comes. It
 * stays in the session's process group, so a kill of the whole group (a device call cut off)
 * leaves no command running.
 */
final class ChildProcess {
    /** The exit code {@code timeout} reports for a command it stopped with SIGTERM; 137 after SIGKILL. */
    static final int TIMED_OUT = 124;
    static final int KILLED = 137;
    /** The shell's code for a command that could not be started. */
    static final int NOT_STARTED = 126;

    /** How a command ended; {@code timedOut} when the timeout stopped it. */
    record Outcome(int exit, boolean timedOut, long seconds) {
    }

    private final Process process;
    private final Thread pump;
    private final long started = System.nanoTime();

    private ChildProcess(Process process, Thread pump) {
        this.process = process;
        this.pump = pump;
    }

    /**
     * Starts {@code command}.
     *
     * @param stdout the file for stdout, or null: stdout joins stderr into the log
     * @param log    the stage's log, appended to
     */
    static ChildProcess start(List<String> command, Map<String, String> env, Path stdout, Path log, PrintStream echo)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        if (stdout != null) {
            pb.redirectOutput(stdout.toFile());
        } else {
            pb.redirectErrorStream(true);
        }
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        OutputStream logOut = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        InputStream in = stdout != null ? p.getErrorStream() : p.getInputStream();
        Thread pump = new Thread(() -> copy(in, logOut, echo), "stage-output");
        pump.setDaemon(true);
        pump.start();
        return new ChildProcess(p, pump);
    }

    private static void copy(InputStream in, OutputStream log, PrintStream echo) {
        byte[] buf = new byte[8192];
        try (in; log) {
            for (int n; (n = in.read(buf)) > 0; ) {
                log.write(buf, 0, n);
                log.flush();
                echo.write(buf, 0, n);
                echo.flush();
            }
        } catch (IOException e) {
            // the command is gone or the log cannot be written: what was copied so far stays
        }
    }

    /** Waits for the command, stopping it at {@code timeoutSeconds} (SIGTERM, then SIGKILL {@code killGrace} later). */
    Outcome await(long timeoutSeconds, long killGrace) throws InterruptedException {
        boolean timedOut = false;
        int exit;
        if (process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            exit = process.exitValue();
        } else {
            timedOut = true;
            exit = stop(killGrace) ? TIMED_OUT : KILLED;
        }
        pump.join(2000);
        return new Outcome(exit, timedOut, (System.nanoTime() - started) / 1_000_000_000L);
    }

    /** SIGTERM, then SIGKILL if it has not ended within {@code graceSeconds}; true when SIGTERM sufficed. */
    boolean stop(long graceSeconds) throws InterruptedException {
        process.destroy();
        if (process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
            return true;
        }
        process.destroyForcibly();
        process.waitFor(graceSeconds, TimeUnit.SECONDS);
        return false;
    }

    boolean alive() {
        return process.isAlive();
    }
}

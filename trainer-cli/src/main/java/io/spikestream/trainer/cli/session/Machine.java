package io.spikestream.trainer.cli.session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The machine a session runs on, for its logs: date, kernel, processors, memory, the GPU as the driver sees it. */
final class Machine {
    private static final long TOOL_SECONDS = 20;

    private Machine() {
    }

    /** {@code machine.txt}: the output of date, uname, nproc, free and nvidia-smi (what is missing says so). */
    static void describe(Path file) throws IOException {
        StringBuilder b = new StringBuilder();
        for (List<String> cmd : List.of(List.of("date", "-u"), List.of("uname", "-a"), List.of("nproc"),
                List.of("free", "-g"), List.of("nvidia-smi"))) {
            b.append(run(cmd));
        }
        Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
    }

    /** {@code java -version} of the runtime this session runs on. */
    static void javaVersion(Path file) throws IOException {
        Files.writeString(file, run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")),
                StandardCharsets.UTF_8);
    }

    /** The GPU's name, memory and driver version ({@code nvidia-smi --query-gpu}); empty where there is none. */
    static String gpu() {
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=name,memory.total,driver_version",
                    "--format=csv,noheader").redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean ended = p.waitFor(TOOL_SECONDS, TimeUnit.SECONDS);
            return ended && p.exitValue() == 0 ? out.lines().findFirst().orElse("").trim() : "";
        } catch (IOException e) {
            return ""; // no nvidia-smi: no GPU seen
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Stdout and stderr of {@code cmd} (a tool that hangs is given up after a while), or one line saying why it did not run. */
    private static String run(List<String> cmd) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("spikestream-machine", ".txt");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(TOOL_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return cmd.get(0) + ": no answer within " + TOOL_SECONDS + " s\n";
            }
            return Files.readString(tmp, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return cmd.get(0) + ": not available (" + e.getMessage() + ")\n";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return cmd.get(0) + ": interrupted\n";
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // a temporary file left behind
                }
            }
        }
    }
}

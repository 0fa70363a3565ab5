package io.spikestream.trainer.cli.session;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Stage 1 of a GPU session, also run alone ({@code gpu-session --check-only}): {@code gpu-check}
 * (CUDA against the Java reference, the benchmark with its profile), then, unless CUDA is unusable,
 * the trainer's own {@code bench-train}, both within one timeout, everything they write in one
 * folder: gpu-check's reports and log, bench-train's JSON and log, the machine and the runtime, and
 * {@code summary.txt} with the exit codes and the throughput lines.
 */
final class CheckStage {
    /** Runs one of the package's commands with the given stdout file (null: into the log) and timeout. */
    interface Runner {
        ChildProcess.Outcome run(List<String> args, Path stdout, Path log, long timeoutSeconds)
                throws IOException, InterruptedException;
    }

    /**
     * @param exit   gpu-check's exit code (0 passed, 1 a check failed, 3 CUDA unusable)
     * @param reason why CUDA is unusable, as gpu-check.json says (exit 3), else null
     */
    record Result(int exit, boolean timedOut, long seconds, String reason) {
    }

    /** The lines of gpu-check.txt that summary.txt repeats. */
    private static final Pattern SUMMARY_LINE = Pattern.compile("samples/s|GPU CHECK|CUDA is not usable");

    private CheckStage() {
    }

    static Result run(Path dir, SessionPlan.Recipes recipes, Runner runner, long timeoutSeconds)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Machine.describe(dir.resolve("machine.txt"));
        Machine.javaVersion(dir.resolve("java-version.txt"));
        long t0 = System.nanoTime();
        List<String> check = new ArrayList<>(List.of("gpu-check", "--out", dir.toString()));
        check.addAll(recipes.checkArgs());
        ChildProcess.Outcome g = runner.run(check, null, dir.resolve("gpu-check.log"), timeoutSeconds);
        summary(dir, "gpu-check exit " + g.exit() + " after " + g.seconds() + " s");
        boolean timedOut = g.timedOut();
        if (!timedOut && g.exit() != 3) {
            long rest = timeoutSeconds - (System.nanoTime() - t0) / 1_000_000_000L;
            if (rest < 1) {
                timedOut = true;
                summary(dir, "bench-train not started: the stage's time is used up");
            } else {
                List<String> bench = new ArrayList<>(List.of("bench-train", "--backend", "cuda"));
                bench.addAll(recipes.benchArgs());
                bench.add("--json");
                ChildProcess.Outcome b = runner.run(bench, dir.resolve("bench-train.json"), dir.resolve("bench-train.log"), rest);
                summary(dir, "bench-train exit " + b.exit() + " after " + b.seconds() + " s");
                timedOut = b.timedOut();
            }
        }
        Path txt = dir.resolve("gpu-check.txt");
        if (Files.isRegularFile(txt)) {
            for (String line : Files.readAllLines(txt, StandardCharsets.UTF_8)) {
                if (SUMMARY_LINE.matcher(line).find()) {
                    summary(dir, line);
                }
            }
        }
        String reason = null;
        if (g.exit() == 3) {
            JsonNode j = SessionState.readObject(dir.resolve("gpu-check.json"));
            reason = j == null ? null : j.path("reason").asText(null);
        }
        return new Result(timedOut ? (g.timedOut() ? g.exit() : ChildProcess.TIMED_OUT) : g.exit(), timedOut,
                (System.nanoTime() - t0) / 1_000_000_000L, reason);
    }

    private static void summary(Path dir, String line) throws IOException {
        System.err.println(line);
        Files.writeString(dir.resolve("summary.txt"), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }
}

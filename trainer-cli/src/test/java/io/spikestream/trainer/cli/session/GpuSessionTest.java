package io.spikestream.trainer.cli.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spikestream.app.cli.JsonOut;
import io.spikestream.trainer.cli.TrainerCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session's schedule, summaries, copies and signal handling, with a stand-in launcher that
 * answers like the package's commands at once (or sleeps, to be timed out or stopped); the real
 * commands under the session are rehearsed by gpu-package/dry-run.sh.
 */
class GpuSessionTest {
    @TempDir
    Path dir;

    /**
     * A launcher script: gpu-check writes its reports and exits with $FAKE_CHECK_EXIT; train writes
     * its --out and prints train's JSON (or sleeps when $FAKE_TRAIN_SLEEP is set); eval prints eval's
     * JSON; model inspect an object.
     */
    private Path fakeLauncher() throws IOException {
        Path f = dir.resolve("fake-run-train.sh");
        Files.writeString(f, """
                #!/usr/bin/env bash
                cmd=$1; shift
                case $cmd in
                  gpu-check)
                    out=$2
                    mkdir -p "$out"
                    if [[ "${FAKE_CHECK_EXIT:-3}" == 3 ]]; then
                      echo '{"cuda_available": false, "reason": "no GPU in this test"}' > "$out/gpu-check.json"
                      echo "CUDA is not usable here: no GPU in this test" > "$out/gpu-check.txt"
                    else
                      echo '{"cuda_available": true, "passed": true}' > "$out/gpu-check.json"
                      printf 'benchmark TF32: 123 training samples/s\\nGPU CHECK PASSED\\n' > "$out/gpu-check.txt"
                    fi
                    echo "gpu-check ran" >&2
                    exit "${FAKE_CHECK_EXIT:-3}" ;;
                  bench-train) echo '{"samples_per_s": 123.0}' ;;
                  train)
                    [[ -n "${FAKE_TRAIN_SLEEP:-}" ]] && exec sleep "$FAKE_TRAIN_SLEEP"
                    while [[ $# -gt 0 ]]; do
                      case $1 in --out) out=$2; shift ;; --time-budget) budget=${2%s}; shift ;; esac; shift
                    done
                    echo checkpoint > "$out"
                    echo "train: JAVA_OPTS=$JAVA_OPTS" >&2
                    echo "{\\"epochs\\": 2, \\"epochs_requested\\": 3, \\"time_budget_s\\": $budget.0, \\"framing_s\\": 0.5,
                      \\"samples_per_s\\": 10.0, \\"best_accuracy\\": 0.5, \\"backend\\": \\"backend reference\\",
                      \\"early_exit\\": {\\"accuracy\\": 0.5, \\"mean_steps\\": 2.5}}" ;;
                  eval) echo '{"samples": 10, "accuracy": 0.6, "early_exit": {"accuracy": 0.55, "mean_steps": 3.0}}' ;;
                  model) echo '{"epochs": 2}' ;;
                  *) echo "fake: unknown command $cmd" >&2; exit 2 ;;
                esac
                """, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    private SessionPlan plan(String backend, SessionPlan.Limits limits) throws IOException {
        Path out = dir.resolve("out");
        Path work = dir.resolve("work");
        Files.createDirectories(work);
        return new SessionPlan(out, work, work.resolve("data"), new Launcher(List.of("bash", fakeLauncher().toString()),
                "-Xmx64m"), backend, Instant.now().getEpochSecond(), 2, limits,
                new SessionPlan.Recipes(3, "c4-p2-f16", 16, 2, List.of("--quick"), List.of("--arch", "c4-f8")), false);
    }

    private static JsonNode summary(SessionPlan p) throws IOException {
        return JsonOut.mapper().readTree(p.out().resolve("session-summary.json").toFile());
    }

    private static List<String> files(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out)) {
            return s.map(x -> x.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void withCudaUnusableTheReferenceStagesStillRunAndEveryResultReachesTheOutputFolder() throws Exception {
        SessionPlan p = plan("reference", SessionPlan.Limits.defaults());
        int exit = new GpuSession(p).run();
        assertThat(exit).as("gpu-check did not pass").isEqualTo(1);
        assertThat(files(p.out())).containsExactly("cifar10dvs-emulated-vgg.ckpt", "gpu-check.json", "gpu-check.txt",
                "nmnist-bntt.ckpt", "session-logs.tar.gz", "session-summary.json", "session-summary.txt");
        JsonNode s = summary(p);
        assertThat(s.get("finished").asBoolean()).isTrue();
        assertThat(s.get("exit").asInt()).isEqualTo(1);
        JsonNode st = s.get("stages");
        assertThat(st.get("unpack").get("status").asText()).isEqualTo("ok");
        assertThat(st.get("gpu_check").get("status").asText()).isEqualTo("cuda-unusable");
        assertThat(st.get("gpu_check").get("reason").asText()).isEqualTo("no GPU in this test");
        for (String k : List.of("nmnist", "nmnist_eval", "cifar10dvs", "cifar10dvs_eval")) {
            assertThat(st.get(k).get("status").asText()).as(k).isEqualTo("ok");
        }
        // the train JSON is the command's own object, its budget the stage's
        JsonNode train = st.get("nmnist").get("train");
        assertThat(train.get("time_budget_s").asDouble()).isEqualTo(st.get("nmnist").get("time_budget_s").asDouble());
        assertThat(st.get("nmnist").get("timeout_s").asLong()).isEqualTo(100);
        assertThat(st.get("nmnist").get("time_budget_s").asLong()).isEqualTo(70);
        assertThat(st.get("cifar10dvs_eval").get("eval").get("samples").asInt()).isEqualTo(10);
        assertThat(st.get("nmnist").get("command").asText()).contains("train --dataset nmnist").contains("--backend reference");
        assertThat(s.get("notes").toString()).contains("stages 2-3 ran anyway with --backend reference");
        String text = Files.readString(p.out().resolve("session-summary.txt"));
        assertThat(text).contains("nmnist           ok         exit 0")
                .contains("trained 2 of at most 3 epochs (budget 70.0 s; data 0.5 s), 10.0 samples/s, best validation 50.00 %")
                .contains("eval on 10 held-out samples: accuracy at T 60.00 %; early exit 55.00 % in 3.0 steps")
                .contains("gpu-check: gpu-check exit 3").contains("files: cifar10dvs-emulated-vgg.ckpt");
        assertThat(Files.readString(p.logs().resolve("nmnist.log"))).contains("JAVA_OPTS=-Xmx64m -XX:ErrorFile=");
        Process tar = new ProcessBuilder("tar", "-tzf", p.out().resolve("session-logs.tar.gz").toString())
                .redirectErrorStream(true).start();
        String listing = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(listing).contains("logs/nmnist-train.json", "logs/cifar10dvs-eval.json", "logs/nmnist-inspect.json",
                "logs/machine.txt", "check/gpu-check.json", "check/summary.txt");
    }

    @Test
    void withCudaUnusableACudaSessionSkipsTheTrainingsAndExitsThree() throws Exception {
        SessionPlan p = plan("cuda", SessionPlan.Limits.defaults());
        assertThat(new GpuSession(p).run()).isEqualTo(3);
        JsonNode st = summary(p).get("stages");
        assertThat(st.get("nmnist").get("status").asText()).isEqualTo("skipped");
        assertThat(st.get("cifar10dvs").get("reason").asText()).isEqualTo("CUDA unusable");
        assertThat(files(p.out())).doesNotContain("nmnist-bntt.ckpt");
    }

    @Test
    void aStageThatOverrunsItsTimeoutIsStoppedAndTheLaterOnesKeepTheirSlots() throws Exception {
        // a 3 s N-MNIST slot, 1 s kill grace: the sleeping training is stopped, its eval skipped
        SessionPlan.Limits tight = SessionPlan.Limits.defaults().withMaxima(60, 10, 3, 4, 5).withMinima(1, 1, 1, 1)
                .withGraces(1, 1, 1, 1);
        SessionPlan sleepy = plan("reference", tight).withSkipCheck(true).withLauncher(new Launcher(List.of("env",
                "FAKE_TRAIN_SLEEP=30", "bash", fakeLauncher().toString()), "-Xmx64m"));
        long t0 = System.nanoTime();
        assertThat(new GpuSession(sleepy).run()).isEqualTo(1);
        assertThat((System.nanoTime() - t0) / 1e9).as("seconds").isLessThan(25);
        JsonNode st = summary(sleepy).get("stages");
        assertThat(st.get("gpu_check").get("reason").asText()).isEqualTo("SPIKESTREAM_SESSION_SKIP_CHECK is set");
        assertThat(st.get("nmnist").get("status").asText()).isEqualTo("timed-out");
        assertThat(st.get("nmnist").get("exit").asInt()).isEqualTo(ChildProcess.TIMED_OUT);
        assertThat(st.get("nmnist").get("timeout_s").asLong()).isEqualTo(3);
        assertThat(st.get("nmnist_eval").get("reason").asText()).isEqualTo("no checkpoint");
        assertThat(st.get("cifar10dvs").get("status").asText()).isEqualTo("timed-out");
    }

    @Test
    void sigtermStopsTheRunningStageCopiesSummarisesAndExits143() throws Exception {
        Path out = dir.resolve("out");
        Path work = dir.resolve("work");
        Path fake = fakeLauncher();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TrainerCli.class.getName(), "gpu-session", "--out",
                out.toString(), "--work", work.toString(), "--launcher", fake.toString(), "--backend", "reference",
                "--java-opts", "-Xmx64m"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("session.log").toFile());
        pb.environment().put("FAKE_TRAIN_SLEEP", "60");
        Process session = pb.start();
        // wait until the N-MNIST training (a 60 s sleep) is running
        Path summary = out.resolve("session-summary.json");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < until && !(Files.isRegularFile(summary)
                && Files.readString(summary).contains("\"status\" : \"running\"") && Files.readString(summary).contains("\"nmnist\""))) {
            Thread.sleep(100);
        }
        List<ProcessHandle> children = session.descendants().toList();
        assertThat(children).as(Files.readString(dir.resolve("session.log"))).isNotEmpty();
        session.destroy();
        assertThat(session.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(session.exitValue()).isEqualTo(143);
        assertThat(children).noneMatch(ProcessHandle::isAlive);
        JsonNode s = JsonOut.mapper().readTree(summary.toFile());
        assertThat(s.get("finished").asBoolean()).isTrue();
        assertThat(s.get("stages").get("nmnist").get("status").asText()).isEqualTo("stopped");
        assertThat(s.get("notes").toString()).contains("stopped by a signal");
        assertThat(files(out)).noneMatch(f -> f.contains(".part")).contains("session-logs.tar.gz");
    }
}

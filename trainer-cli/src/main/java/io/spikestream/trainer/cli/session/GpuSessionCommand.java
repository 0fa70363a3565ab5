package io.spikestream.trainer.cli.session;

import io.spikestream.app.cli.HelpOption;
import io.spikestream.app.cli.OutputOption;
import io.spikestream.events.io.FilePaths;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code spikestream gpu-session}: the whole GPU session in one command ({@link GpuSession}), or with
 * {@code --check-only} its first stage alone ({@link CheckStage}). Started by the GPU package's
 * {@code run-gpu-session.sh} (and {@code run-gpu-check.sh}) after unpacking; every default can be
 * set through the {@code SPIKESTREAM_SESSION_*} variables the CPU dry run uses.
 */
@Command(name = "gpu-session",
        description = {"The GPU session: the GPU check, then N-MNIST and emulated CIFAR10-DVS trained under time budgets",
            "and evaluated, each stage a separate command under its own timeout, results copied to --out as they",
            "appear (gpu-package/README.md). Exit 0 every stage passed, 1 a stage failed, timed out or was skipped,",
            "2 bad usage, 3 CUDA unusable, 143 stopped by a signal.",
            "--check-only: the GPU check and bench-train alone, everything written to --out; exit as gpu-check's."})
public final class GpuSessionCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the session's files go while it runs.")
    Path out;

    @Option(names = "--work", defaultValue = "${env:SPIKESTREAM_SESSION_WORK:-/tmp/spikestream-session}", paramLabel = "DIR",
            description = "Logs, checkpoints and gpu-check's folder (default: ${DEFAULT-VALUE}).")
    Path work;

    @Option(names = "--data", paramLabel = "DIR", description = "The unpacked data: nmnist-small/Train, cifar10/test (default: WORK/data).")
    Path data;

    @Option(names = "--launcher", paramLabel = "FILE",
            description = "The package's run-train.sh; without it, the commands run on this JVM's runtime and class path.")
    Path launcher;

    @Option(names = "--java-opts", defaultValue = "${env:JAVA_OPTS:--Xmx16g}", paramLabel = "OPTS",
            description = "JVM options of the commands (default: ${DEFAULT-VALUE}).")
    String javaOpts;

    @Option(names = "--backend", defaultValue = "${env:SPIKESTREAM_SESSION_BACKEND:-cuda}", paramLabel = "NAME",
            description = "Backend of training and evaluation; reference rehearses on a CPU (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--started-at", paramLabel = "EPOCH_S", description = "When the session started (before unpacking), in epoch seconds (default: now).")
    Long startedAt;

    @Option(names = "--unpacked-in-s", defaultValue = "-1", paramLabel = "S", description = "How long unpacking took, for the summary.")
    long unpackSeconds;

    @Option(names = "--limit-s", defaultValue = "${env:SPIKESTREAM_SESSION_LIMIT_S:-540}", paramLabel = "S",
            description = "The whole session (default: ${DEFAULT-VALUE}).")
    long limit;

    @Option(names = "--check-timeout-s", defaultValue = "${env:SPIKESTREAM_SESSION_CHECK_TIMEOUT_S:-150}", paramLabel = "S",
            description = "The GPU check's most (default: ${DEFAULT-VALUE}).")
    long checkMax;

    @Option(names = "--nmnist-timeout-s", defaultValue = "${env:SPIKESTREAM_SESSION_NMNIST_TIMEOUT_S:-100}", paramLabel = "S",
            description = "N-MNIST training's most (default: ${DEFAULT-VALUE}).")
    long nmnistMax;

    @Option(names = "--cifar-timeout-s", defaultValue = "${env:SPIKESTREAM_SESSION_CIFAR_TIMEOUT_S:-250}", paramLabel = "S",
            description = "CIFAR10-DVS training's most (default: ${DEFAULT-VALUE}).")
    long cifarMax;

    @Option(names = "--eval-timeout-s", defaultValue = "${env:SPIKESTREAM_SESSION_EVAL_TIMEOUT_S:-45}", paramLabel = "S",
            description = "Each evaluation's most (default: ${DEFAULT-VALUE}).")
    long evalMax;

    @Option(names = "--nmnist-epochs", defaultValue = "${env:SPIKESTREAM_SESSION_NMNIST_EPOCHS:-40}", paramLabel = "N",
            description = "N-MNIST's most epochs (default: ${DEFAULT-VALUE}).")
    int nmnistEpochs;

    @Option(names = "--cifar-arch", defaultValue = "${env:SPIKESTREAM_SESSION_CIFAR_ARCH:-c64-c64-p2-c128-c128-p2-c256-c256-c256-p2-f192}",
            paramLabel = "SPEC", description = "CIFAR10-DVS network (default: ${DEFAULT-VALUE}).")
    String cifarArch;

    @Option(names = "--cifar-batch", defaultValue = "${env:SPIKESTREAM_SESSION_CIFAR_BATCH:-128}", paramLabel = "N",
            description = "CIFAR10-DVS batch (default: ${DEFAULT-VALUE}).")
    int cifarBatch;

    @Option(names = "--cifar-epochs", defaultValue = "${env:SPIKESTREAM_SESSION_CIFAR_EPOCHS:-100}", paramLabel = "N",
            description = "CIFAR10-DVS's most epochs (default: ${DEFAULT-VALUE}).")
    int cifarEpochs;

    @Option(names = "--check-args", defaultValue = "${env:SPIKESTREAM_CHECK_ARGS:-}", paramLabel = "ARGS",
            description = "Extra gpu-check options, as one string (default: none).")
    String checkArgs;

    @Option(names = "--bench-args", defaultValue = "${env:SPIKESTREAM_BENCH_ARGS:---arch vgg9 --input 2x48x48 --timesteps 20 --batch 128}",
            paramLabel = "ARGS", description = "bench-train's options after --backend cuda (default: ${DEFAULT-VALUE}).")
    String benchArgs;

    @Option(names = "--skip-check", description = "Leave the GPU check out (also: SPIKESTREAM_SESSION_SKIP_CHECK set).")
    boolean skipCheck;

    @Option(names = "--check-only", description = "Only the GPU check and bench-train, written to --out.")
    boolean checkOnly;

    @Override
    public Integer call() throws Exception {
        if (limit < 1 || checkMax < 1 || nmnistMax < 1 || cifarMax < 1 || evalMax < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "every time limit must be at least 1 s");
        }
        SessionPlan.Recipes recipes = new SessionPlan.Recipes(nmnistEpochs, cifarArch, cifarBatch, cifarEpochs, words(checkArgs),
                words(benchArgs));
        OutputOption.check(spec.commandLine(), "--out", out, FilePaths.unwritableDirectory(out));
        Launcher l = new Launcher(launcher == null ? List.of() : List.of(launcher.toAbsolutePath().toString()), javaOpts);
        Path absOut = out.toAbsolutePath();
        if (checkOnly) {
            CheckStage.Result r = CheckStage.run(absOut, recipes, (args, stdout, log, t) -> l.start(args, stdout, log)
                    .await(t, SessionPlan.Limits.defaults().killGrace()), limit);
            return r.exit();
        }
        String skipEnv = System.getenv("SPIKESTREAM_SESSION_SKIP_CHECK");
        Path absWork = work.toAbsolutePath();
        SessionPlan plan = new SessionPlan(absOut, absWork, data != null ? data.toAbsolutePath() : absWork.resolve("data"), l,
                backend, startedAt != null ? startedAt : Instant.now().getEpochSecond(), unpackSeconds,
                SessionPlan.Limits.defaults().withMaxima(limit, checkMax, nmnistMax, cifarMax, evalMax), recipes,
                skipCheck || skipEnv != null && !skipEnv.isBlank());
        return new GpuSession(plan).run();
    }

    private static List<String> words(String s) {
        return s == null || s.isBlank() ? List.of() : Arrays.asList(s.trim().split("\\s+"));
    }
}

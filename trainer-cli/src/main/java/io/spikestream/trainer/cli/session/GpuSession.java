package io.spikestream.trainer.cli.session;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The GPU session: in one call of at most {@link SessionPlan.Limits#limit} seconds, (1) the GPU
 * check, (2) the N-MNIST recipe of the committed CPU model trained on the GPU under a time budget
 * and evaluated on its held-out split, (3) the VGG9-style network trained on CIFAR10-DVS emulated in
 * memory from the CIFAR-10 test images, likewise. Each stage runs the package's commands as
 * separate processes under its own timeout; stages 2–3 run when the check fails (the summary says
 * so) and are skipped only when CUDA is unusable. Checkpoints and logs reach the output folder
 * while the stages run ({@link OutputCopier}); SIGTERM or SIGINT stop the running stage, copy and
 * summarise before the process exits.
 *
 * <p>Exit: 0 every stage passed, 1 a stage failed, timed out or was skipped, 3 CUDA unusable.
 */
final class GpuSession {
    static final String NMNIST_CKPT = "nmnist-bntt.ckpt";
    static final String CIFAR_CKPT = "cifar10dvs-emulated-vgg.ckpt";
    static final int CUDA_UNUSABLE = 3;

    /** A stop by signal reached a stage's command: the signal's handler finishes the session. */
    private static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super(null, null, false, false);
        }
    }

    private final SessionPlan plan;
    private final SessionPlan.Limits l;
    private final SessionState state;
    private final OutputCopier copier;
    private final PrintStream err = System.err;
    private final long deadline;
    /** Guarded by this: the command running now, its stage, and whether a signal is stopping the session. */
    private ChildProcess child;
    private String current;
    private boolean stopping;

    GpuSession(SessionPlan plan) {
        this.plan = plan;
        this.l = plan.limits();
        this.state = new SessionState(plan);
        this.copier = new OutputCopier(plan);
        this.deadline = plan.startedAt() + l.limit();
    }

    int run() throws IOException, InterruptedException {
        Files.createDirectories(plan.logs());
        Files.createDirectories(plan.out());
        Machine.describe(plan.logs().resolve("machine.txt"));
        Machine.javaVersion(plan.logs().resolve("java-version.txt"));
        state.gpu(Machine.gpu());
        if (plan.unpackSeconds() >= 0) {
            SessionState.Stage u = state.stage("unpack");
            u.status = "ok";
            u.seconds = plan.unpackSeconds();
        }
        state.write();
        copier.start();
        Thread hook = new Thread(this::stopBySignal, "gpu-session-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        int code;
        try {
            code = stages();
        } catch (Stopped s) {
            synchronized (this) {
                while (!state.isFinished()) {
                    wait();
                }
            }
            return 143;
        } catch (IOException | RuntimeException e) {
            // whatever broke, the files so far still reach the output folder with the reason
            state.note("the session failed: " + e);
            code = 1;
        }
        finish(code);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook sees the session finished and does nothing
        }
        return code;
    }

    private int stages() throws IOException, InterruptedException {
        boolean checkFailed = false;
        boolean cudaUnusable = false;
        long t = cap(l.checkMax(), 2 * l.slot(l.minTrain()) + 2 * l.slot(l.minEval()) + l.finish() + 60);
        if (plan.skipCheck()) {
            skip("gpu_check", "SPIKESTREAM_SESSION_SKIP_CHECK is set");
        } else if (t < l.minCheck()) {
            skip("gpu_check", "no time left (" + t + " s)");
        } else {
            SessionState.Stage s = state.stage("gpu_check");
            begin("gpu_check", s, t, "gpu-check + bench-train");
            CheckStage.Result r = CheckStage.run(plan.check(), plan.recipes(), this::runChild, t);
            synchronized (this) {
                current = null;
                s.exit = r.exit();
                s.seconds = r.seconds();
                if (r.exit() == CUDA_UNUSABLE) {
                    s.status = "cuda-unusable";
                    s.reason = r.reason();
                    cudaUnusable = true;
                } else {
                    s.status = r.timedOut() ? "timed-out" : r.exit() == 0 ? "passed" : "failed";
                    checkFailed = r.exit() != 0 || r.timedOut();
                }
            }
            end("gpu_check", s);
        }
        if (cudaUnusable && plan.backend().equals("cuda")) {
            state.note("CUDA is not usable on this machine (gpu-check exit 3): stages 2-3 skipped");
            skip("nmnist", "CUDA unusable");
            skip("cifar10dvs", "CUDA unusable");
            return CUDA_UNUSABLE;
        }
        if (cudaUnusable) {
            state.note("gpu-check found CUDA unusable; stages 2-3 ran anyway with --backend " + plan.backend());
        }
        if (checkFailed) {
            SessionState.Stage s = state.stage("gpu_check");
            state.note("gpu-check " + s.status + " (exit " + s.exit + ") but CUDA loaded: stages 2-3 ran anyway;"
                    + " read gpu-check.txt before trusting the checkpoints");
        }
        nmnist();
        cifar();
        boolean ok = true;
        for (String st : List.of("nmnist", "nmnist_eval", "cifar10dvs", "cifar10dvs_eval")) {
            ok &= "ok".equals(state.stage(st).status);
        }
        ok &= plan.skipCheck() || "passed".equals(state.stage("gpu_check").status);
        return ok ? 0 : 1;
    }

    /** Stage 2: N-MNIST, the recipe of models/nmnist-bntt.ckpt (same split) with a time budget. */
    private void nmnist() throws IOException, InterruptedException {
        long t = cap(l.nmnistMax(), l.slot(l.minEval()) + l.slot(l.minTrain()) + l.slot(l.minEval()) + l.finish());
        if (t < l.minTrain()) {
            skip("nmnist", "no time left (" + t + " s)");
            return;
        }
        long budget = Math.max(10, t - l.nmnistOverhead());
        Path ckpt = plan.work().resolve(NMNIST_CKPT);
        Path data = plan.data().resolve("nmnist-small/Train");
        train("nmnist", t, budget, List.of("--dataset", "nmnist", "--data", data.toString(), "--arch", "nmnist",
                "--timesteps", "15", "--window-us", "20000", "--frame-size", "17x17", "--epochs",
                String.valueOf(plan.recipes().nmnistEpochs()), "--batch", "16", "--lr", "0.1", "--roll", "1",
                "--seed", "42"), ckpt);
        if (!Files.exists(ckpt)) {
            skip("nmnist_eval", "no checkpoint");
            return;
        }
        long reserve = l.slot(l.minTrain()) + l.slot(l.minEval()) + l.finish();
        t = cap(l.evalMax(), reserve);
        if (t < l.minEval()) {
            skip("nmnist_eval", "no time left (" + t + " s)");
            return;
        }
        eval("nmnist_eval", t, List.of("--model", ckpt.toString(), "--data", data.toString(), "--dataset", "nmnist",
                "--subset", "validation"));
        // the checkpoint's provenance (device, epochs run); under a timeout too, out of the eval's slot
        t = cap(l.inspectMax(), reserve);
        if (t >= l.minInspect()) {
            ChildProcess.Outcome o = runChild(List.of("model", "inspect", ckpt.toString(), "--json"),
                    plan.logs().resolve("nmnist-inspect.json"), plan.logs().resolve("nmnist_eval.log"), t);
            if (o.exit() != 0) {
                say("nmnist_eval: model inspect exit " + o.exit() + " (timeout " + t + " s)");
            }
        } else {
            say("nmnist_eval: model inspect skipped: no time left (" + t + " s)");
        }
    }

    /** Stage 3: CIFAR10-DVS emulated in memory from the CIFAR-10 test images, VGG9-style, 90/10 per class. */
    private void cifar() throws IOException, InterruptedException {
        long t = cap(l.cifarMax(), l.slot(l.minEval()) + l.finish());
        if (t < l.minTrain()) {
            skip("cifar10dvs", "no time left (" + t + " s)");
            return;
        }
        long budget = Math.max(10, t - l.cifarOverhead());
        Path ckpt = plan.work().resolve(CIFAR_CKPT);
        Path data = plan.data().resolve("cifar10/test");
        SessionPlan.Recipes r = plan.recipes();
        train("cifar10dvs", t, budget, List.of("--dataset", "emulated-images", "--data", data.toString(), "--arch",
                r.cifarArch(), "--timesteps", "20", "--window-us", "57500", "--frame-size", "48x48", "--count", "clipped",
                "--clip-max", "4", "--epochs", String.valueOf(r.cifarEpochs()), "--batch", String.valueOf(r.cifarBatch()),
                "--lr", "0.1", "--flip", "--roll", "3", "--seed", "42"), ckpt);
        if (!Files.exists(ckpt)) {
            skip("cifar10dvs_eval", "no checkpoint");
            return;
        }
        t = cap(l.evalMax(), l.finish());
        if (t < l.minEval()) {
            skip("cifar10dvs_eval", "no time left (" + t + " s)");
            return;
        }
        eval("cifar10dvs_eval", t, List.of("--model", ckpt.toString(), "--data", data.toString(), "--dataset",
                "emulated-images", "--subset", "validation", "--batch", "64"));
    }

    private void train(String stage, long timeout, long budget, List<String> recipe, Path ckpt)
            throws IOException, InterruptedException {
        Path json = plan.logs().resolve(stage + "-train.json");
        SessionState.Stage s = state.stage(stage);
        s.timeBudgetS = budget;
        s.trainJson = json;
        List<String> args = new ArrayList<>(List.of("train"));
        args.addAll(recipe);
        args.addAll(List.of("--backend", plan.backend(), "--val-split", "0.1", "--time-budget", budget + "s", "--out",
                ckpt.toString(), "--json"));
        runStage(stage, timeout, args, json);
    }

    private void eval(String stage, long timeout, List<String> what) throws IOException, InterruptedException {
        Path json = plan.logs().resolve(stage.replace("_eval", "") + "-eval.json");
        state.stage(stage).evalJson = json;
        List<String> args = new ArrayList<>(List.of("eval"));
        args.addAll(what);
        args.addAll(List.of("--backend", plan.backend(), "--json"));
        runStage(stage, timeout, args, json);
    }

    /** One command as a whole stage: its log in logs/STAGE.log, its JSON in {@code json}. */
    private void runStage(String stage, long timeout, List<String> args, Path json) throws IOException, InterruptedException {
        SessionState.Stage s = state.stage(stage);
        begin(stage, s, timeout, String.join(" ", args));
        ChildProcess.Outcome o = runChild(args, json, plan.logs().resolve(stage + ".log"), timeout);
        synchronized (this) {
            current = null;
            s.exit = o.exit();
            s.seconds = o.seconds();
            s.status = o.timedOut() ? "timed-out" : o.exit() == 0 ? "ok" : "failed";
        }
        end(stage, s);
    }

    private void begin(String stage, SessionState.Stage s, long timeout, String command) {
        synchronized (this) {
            s.timeoutS = timeout;
            s.command = command;
            s.status = "running";
            current = stage;
        }
        write();
        say(stage + ": timeout " + timeout + " s: " + command);
    }

    private void end(String stage, SessionState.Stage s) {
        say(stage + ": " + s.status + " (exit " + s.exit + ") after " + s.seconds + " s");
        copier.copyNow();
        write();
    }

    private void skip(String stage, String reason) {
        SessionState.Stage s = state.stage(stage);
        synchronized (this) {
            s.status = "skipped";
            s.reason = reason;
        }
        say(stage + ": skipped: " + reason);
        write();
    }

    /** Starts one of the package's commands unless a signal is stopping the session, and waits for it. */
    private ChildProcess.Outcome runChild(List<String> args, Path stdout, Path log, long timeout)
            throws IOException, InterruptedException {
        ChildProcess c;
        synchronized (this) {
            if (stopping) {
                throw new Stopped();
            }
            try {
                c = plan.launcher().start(args, stdout, log);
            } catch (IOException e) {
                say("cannot start " + args.get(0) + ": " + e.getMessage());
                return new ChildProcess.Outcome(ChildProcess.NOT_STARTED, false, 0);
            }
            child = c;
        }
        ChildProcess.Outcome o = c.await(timeout, l.killGrace());
        synchronized (this) {
            child = null;
            if (stopping) {
                throw new Stopped();
            }
        }
        return o;
    }

    /** The timeout of a stage: its maximum, or less so that its kill grace and {@code reserve} seconds stay before the deadline. */
    private long cap(long max, long reserve) {
        return Math.min(max, deadline - Instant.now().getEpochSecond() - l.killGrace() - reserve);
    }

    private synchronized void write() {
        state.write();
    }

    private void say(String line) {
        err.println("== " + DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC).format(Instant.now())
                + " [" + state.elapsed() + " s] " + line);
        err.flush();
        try {
            Files.writeString(plan.logs().resolve("session.log"), line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            err.println("session: cannot append to session.log: " + e.getMessage());
        }
    }

    /** The last copies and both summaries, once; the text summary also to stderr. */
    private synchronized void finish(int code) {
        if (state.isFinished()) {
            return;
        }
        copier.close();
        copier.copyNow();
        copier.packLogs();
        state.finished(code);
        state.write();
        err.print(state.toText());
        err.flush();
        notifyAll();
    }

    /** The shutdown hook: a signal stops the running command (SIGTERM, SIGKILL after a grace), then the session finishes. */
    private void stopBySignal() {
        ChildProcess c;
        String stage;
        synchronized (this) {
            if (state.isFinished()) {
                return;
            }
            stopping = true;
            c = child;
            stage = current;
        }
        if (c != null) {
            try {
                c.stop(l.stopGrace());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (stage != null) {
                SessionState.Stage s = state.stage(stage);
                s.status = "stopped";
                s.reason = "session stopped by SIGTERM or SIGINT";
            }
            state.note("stopped by a signal after " + state.elapsed() + " s");
            finish(143);
        }
    }
}

package io.spikestream.trainer.cli.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Copies what the session produces into the output folder while it runs, so a call that is cut
 * off still returns the latest best checkpoints and logs: the two checkpoints and gpu-check's two
 * reports when their bytes differ from the output folder's copy (times cannot tell: a copy is
 * always newer than its source), and every fourth round {@code session-logs.tar.gz} ({@code logs/}
 * and {@code check/}). Each copy goes to a {@code .part} file that is then renamed, so the output
 * folder never holds a torn file; copies are serialised with the final ones by this object's lock.
 * The trainer replaces a checkpoint by an atomic rename, so a copy reads one whole checkpoint.
 */
final class OutputCopier implements AutoCloseable {
    private final SessionPlan plan;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "session-copier");
        t.setDaemon(true);
        return t;
    });
    private int rounds;

    OutputCopier(SessionPlan plan) {
        this.plan = plan;
    }

    /** Copies every {@code copyEvery} seconds until {@link #close}. */
    void start() {
        long every = plan.limits().copyEvery();
        timer.scheduleWithFixedDelay(() -> {
            try {
                copyNow();
                if (++rounds % 4 == 0) {
                    packLogs();
                }
            } catch (RuntimeException e) {
                System.err.println("session: copying to " + plan.out() + " failed: " + e.getMessage());
            }
        }, every, every, TimeUnit.SECONDS);
    }

    /** The checkpoints and gpu-check's reports, where new or changed. */
    synchronized void copyNow() {
        copyIfChanged(plan.work().resolve(GpuSession.NMNIST_CKPT), GpuSession.NMNIST_CKPT);
        copyIfChanged(plan.work().resolve(GpuSession.CIFAR_CKPT), GpuSession.CIFAR_CKPT);
        copyIfChanged(plan.check().resolve("gpu-check.json"), "gpu-check.json");
        copyIfChanged(plan.check().resolve("gpu-check.txt"), "gpu-check.txt");
    }

    private void copyIfChanged(Path src, String name) {
        Path dst = plan.out().resolve(name);
        try {
            if (!Files.isRegularFile(src) || Files.isRegularFile(dst) && Files.mismatch(src, dst) == -1) {
                return;
            }
            Path part = plan.out().resolve(name + ".part");
            Files.copy(src, part, StandardCopyOption.REPLACE_EXISTING);
            moveIntoPlace(part, dst);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + src + " to " + dst, e);
        }
    }

    /** {@code session-logs.tar.gz}: every log, JSON output and crash report of {@code logs/} and {@code check/}. */
    synchronized void packLogs() {
        Path part = plan.work().resolve("session-logs.tar.gz.part");
        List<String> cmd = new java.util.ArrayList<>(List.of("tar", "-czf", part.toString(), "-C", plan.work().toString(),
                "logs"));
        if (Files.isDirectory(plan.check())) {
            cmd.add("check");
        }
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return;
            }
            if (Files.isRegularFile(part) && Files.size(part) > 0) {
                Path outPart = plan.out().resolve("session-logs.tar.gz.part");
                Files.copy(part, outPart, StandardCopyOption.REPLACE_EXISTING);
                moveIntoPlace(outPart, plan.out().resolve("session-logs.tar.gz"));
            }
            Files.deleteIfExists(part);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pack the logs of " + plan.work(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void moveIntoPlace(Path part, Path target) throws IOException {
        try {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Stops the rounds, waiting for one under way, and removes {@code .part} files a cut-off copy left. */
    @Override
    public synchronized void close() {
        timer.shutdownNow();
        try (Stream<Path> s = Files.list(plan.out())) {
            for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".part")).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover .part file is harmless; the session's own files are complete
        }
    }
}

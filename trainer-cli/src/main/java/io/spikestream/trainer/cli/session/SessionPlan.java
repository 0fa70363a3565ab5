package io.spikestream.trainer.cli.session;

import java.nio.file.Path;
import java.util.List;

/**
 * What a GPU session runs and within which limits: where things are, how to start the package's
 * commands, the training recipes and the time slots.
 *
 * @param out       the folder that receives the session's files while it runs (the device tool's {@code $OUT})
 * @param work      logs, checkpoints and gpu-check's folder ({@code check/}) while the session runs
 * @param data      the unpacked data: {@code nmnist-small/Train} and {@code cifar10/test}
 * @param launcher  how to start one of the package's commands
 * @param backend   {@code --backend} of training and evaluation: cuda, or reference for a CPU rehearsal
 * @param startedAt the session's start in epoch seconds (before unpacking); the limit counts from it
 * @param unpackSeconds how long unpacking took, for the summary (−1: not part of this run)
 */
record SessionPlan(Path out, Path work, Path data, Launcher launcher, String backend,
        long startedAt, long unpackSeconds, Limits limits, Recipes recipes, boolean skipCheck) {

    /** This plan with another way to start the commands. */
    SessionPlan withLauncher(Launcher l) {
        return new SessionPlan(out, work, data, l, backend, startedAt, unpackSeconds, limits, recipes, skipCheck);
    }

    SessionPlan withLimits(Limits l) {
        return new SessionPlan(out, work, data, launcher, backend, startedAt, unpackSeconds, l, recipes, skipCheck);
    }

    SessionPlan withSkipCheck(boolean skip) {
        return new SessionPlan(out, work, data, launcher, backend, startedAt, unpackSeconds, limits, recipes, skip);
    }

    Path logs() {
        return work.resolve("logs");
    }

    Path check() {
        return work.resolve("check");
    }

    /**
     * Every time of the schedule, in seconds. A stage's command gets SIGTERM at its timeout and
     * SIGKILL {@code killGrace} later; a stage's timeout is capped so that this grace, the later
     * stages' minimum slots and {@code finish} (the last copies and the summary) stay before the
     * deadline; a stage left with less than its minimum is skipped.
     *
     * @param limit          the whole session, from {@link SessionPlan#startedAt}
     * @param nmnistOverhead seconds of the N-MNIST stage outside its {@code --time-budget} (JVM
     *                       start, calibration, checkpoint writes); {@code cifarOverhead} likewise
     * @param copyEvery      seconds between the copier's rounds; the logs archive every fourth round
     */
    record Limits(long limit, long checkMax, long nmnistMax, long cifarMax, long evalMax, long inspectMax,
            long minCheck, long minTrain, long minEval, long minInspect, long killGrace, long finish,
            long nmnistOverhead, long cifarOverhead, long stopGrace, long copyEvery) {

        /** The GPU session's: 540 s in all (one device call of at most 10 minutes, with margin). */
        static Limits defaults() {
            return new Limits(540, 150, 100, 250, 45, 20, 10, 40, 15, 5, 10, 5, 30, 50, 5, 5);
        }

        Limits withMaxima(long limitSeconds, long check, long nmnist, long cifar, long eval) {
            return new Limits(limitSeconds, check, nmnist, cifar, eval, inspectMax, minCheck, minTrain, minEval,
                    minInspect, killGrace, finish, nmnistOverhead, cifarOverhead, stopGrace, copyEvery);
        }

        /** These limits with other minimum slots (seconds): below them a stage is skipped. */
        Limits withMinima(long check, long train, long eval, long inspect) {
            return new Limits(limit, checkMax, nmnistMax, cifarMax, evalMax, inspectMax, check, train, eval, inspect,
                    killGrace, finish, nmnistOverhead, cifarOverhead, stopGrace, copyEvery);
        }

        /** These limits with other graces and rounds (seconds): kill grace, finish, signal stop grace, copy rounds. */
        Limits withGraces(long kill, long end, long stop, long copy) {
            return new Limits(limit, checkMax, nmnistMax, cifarMax, evalMax, inspectMax, minCheck, minTrain, minEval,
                    minInspect, kill, end, nmnistOverhead, cifarOverhead, stop, copy);
        }

        /** The most a stage started with timeout {@code t} can take. */
        long slot(long t) {
            return t + killGrace;
        }
    }

    /**
     * The trainings' variable parts (the rest is fixed in {@link GpuSession}).
     *
     * @param checkArgs extra {@code gpu-check} options
     * @param benchArgs {@code bench-train} options after {@code --backend cuda}
     */
    record Recipes(int nmnistEpochs, String cifarArch, int cifarBatch, int cifarEpochs, List<String> checkArgs,
            List<String> benchArgs) {
        Recipes {
            checkArgs = List.copyOf(checkArgs);
            benchArgs = List.copyOf(benchArgs);
        }
    }
}

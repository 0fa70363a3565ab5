package io.spikestream.trainer.cli;

import io.spikestream.trainer.Trainer;
import io.spikestream.trainer.TrainingListener;
import io.spikestream.trainer.net.BpttNetwork;
import java.io.PrintWriter;
import java.util.Locale;

/** {@code train}'s progress lines on stderr: one per few seconds within an epoch, one per epoch. */
final class TrainProgress implements TrainingListener {
    private final PrintWriter err;
    private long lastNs;

    TrainProgress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void message(String line) {
        err.println("train: " + line);
        err.flush();
    }

    @Override
    public void framingProgress(int done, int total) {
        synchronized (this) {
            long now = System.nanoTime();
            if (done == total || now - lastNs > 5_000_000_000L) {
                lastNs = now;
                err.printf(Locale.ROOT, "train: framing %d/%d samples%n", done, total);
                err.flush();
            }
        }
    }

    @Override
    public void batchDone(int epoch, int batch, int batches, float loss, float accuracy, double sps) {
        long now = System.nanoTime();
        if (now - lastNs > 5_000_000_000L) {
            lastNs = now;
            int width = 20;
            int filled = (int) ((long) (batch + 1) * width / batches);
            err.printf(Locale.ROOT, "epoch %d [%s%s] %d/%d loss %.4f acc %.2f %% %.1f samples/s%n", epoch + 1,
                    "#".repeat(filled), "-".repeat(width - filled), batch + 1, batches, loss, 100 * accuracy, sps);
            err.flush();
        }
    }

    @Override
    public void epochDone(Trainer.EpochReport r, BpttNetwork net) {
        err.printf(Locale.ROOT, "epoch %d/%d lr %.4g loss %.4f train %.2f %% validation %s %.1f samples/s %.0f s%s%n",
                r.epoch() + 1, r.epochs(), r.learningRate(), r.trainLoss(), 100 * r.trainAccuracy(),
                Float.isNaN(r.validationAccuracy()) ? "-" : String.format(Locale.ROOT, "%.2f %%", 100 * r.validationAccuracy()),
                r.samplesPerSecond(), r.seconds(), r.best() ? " (best, saved)" : "");
        err.flush();
    }
}

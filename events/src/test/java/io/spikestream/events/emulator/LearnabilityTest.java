package io.spikestream.events.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.events.EventBatch;
import io.spikestream.events.SensorGeometry;
import io.spikestream.events.testing.SharedData;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The emulated events carry class information: a nearest-centroid classifier on accumulated,
 * normalised ON/OFF count frames, trained and tested on different recordings, beats chance clearly.
 * (The BNTT trainer's own learnability check lives with the trainer.)
 */
class LearnabilityTest {

    @Test
    void movingDigitsAreSeparableByNearestCentroid() {
        MovingDigitsProtocol p = MovingDigitsProtocol.defaults();
        PictureRecorder rec = new PictureRecorder(p.sensorPattern(1));
        int perClassTrain = 12;
        int perClassTest = 6;
        NearestCentroid nc = new NearestCentroid(10, p.sensor(), 1);
        long seed = 1000;
        for (int i = 0; i < perClassTrain; i++) {
            for (int d = 0; d < 10; d++) {
                nc.train(d, p.record(d, rec, seed++));
            }
        }
        int correct = 0;
        for (int i = 0; i < perClassTest; i++) {
            for (int d = 0; d < 10; d++) {
                correct += nc.predict(p.record(d, rec, seed++)) == d ? 1 : 0;
            }
        }
        double accuracy = correct / (10.0 * perClassTest);
        assertThat(accuracy).as("nearest-centroid accuracy on held-out digits (chance 0.1)").isGreaterThan(0.35);
    }

    @Test
    void cifarClassesCarryInformation() throws Exception {
        Path root = SharedData.require("data/cifar10/test");
        String[] classes = {"airplane", "frog", "truck"};
        Cifar10DvsProtocol p = Cifar10DvsProtocol.defaults();
        // short recordings (one loop) keep this quick; the class information is in the edges
        Cifar10DvsProtocol quick = new Cifar10DvsProtocol(p.sensor(), p.imageSidePx(), p.blackLevel(),
                p.loopRadiusPx(), p.loopPeriodUs(), 325_000, 325_000, p.refreshHz(), p.maxShiftPx(),
                p.supersampling(), p.dvs());
        PictureRecorder rec = new PictureRecorder(quick.sensorPattern(1));
        NearestCentroid nc = new NearestCentroid(classes.length, quick.sensor(), 4);
        int train = 16;
        int test = 10;
        int correct = 0;
        for (int c = 0; c < classes.length; c++) {
            for (int i = 0; i < train; i++) {
                BufferedImage img = ImageIO.read(root.resolve(classes[c]).resolve(String.format("%04d.jpg", i)).toFile());
                EventBatch b = quick.record(img, rec, 500 + i);
                nc.train(c, b);
            }
        }
        for (int c = 0; c < classes.length; c++) {
            for (int i = train; i < train + test; i++) {
                BufferedImage img = ImageIO.read(root.resolve(classes[c]).resolve(String.format("%04d.jpg", i)).toFile());
                correct += nc.predict(quick.record(img, rec, 500 + i)) == c ? 1 : 0;
            }
        }
        double accuracy = correct / (double) (classes.length * test);
        assertThat(accuracy).as("nearest-centroid accuracy on 3 held-out CIFAR10-DVS classes (chance 0.33)")
                .isGreaterThan(0.5);
    }

    /** Centroids of L2-normalised ON/OFF count frames, pooled over pool × pool pixels. */
    static final class NearestCentroid {
        private final int pool;
        private final int w;
        private final int h;
        private final double[][] sums;
        private final int[] counts;

        NearestCentroid(int classes, SensorGeometry g, int pool) {
            this.pool = pool;
            this.w = (g.width() + pool - 1) / pool;
            this.h = (g.height() + pool - 1) / pool;
            this.sums = new double[classes][2 * w * h];
            this.counts = new int[classes];
        }

        double[] features(EventBatch b) {
            double[] f = new double[2 * w * h];
            for (int i = 0; i < b.size(); i++) {
                f[(b.on(i) ? w * h : 0) + (b.y(i) / pool) * w + b.x(i) / pool]++;
            }
            double norm = 0;
            for (double v : f) {
                norm += v * v;
            }
            norm = Math.sqrt(norm) + 1e-9;
            for (int i = 0; i < f.length; i++) {
                f[i] /= norm;
            }
            return f;
        }

        void train(int label, EventBatch b) {
            double[] f = features(b);
            for (int i = 0; i < f.length; i++) {
                sums[label][i] += f[i];
            }
            counts[label]++;
        }

        int predict(EventBatch b) {
            double[] f = features(b);
            int best = -1;
            double bestD = Double.MAX_VALUE;
            for (int c = 0; c < sums.length; c++) {
                double d = 0;
                for (int i = 0; i < f.length; i++) {
                    double diff = f[i] - sums[c][i] / counts[c];
                    d += diff * diff;
                }
                if (d < bestD) {
                    bestD = d;
                    best = c;
                }
            }
            return best;
        }
    }
}

package io.spikestream.snn.exit;

/**
 * Softmax statistics of a running score, computed without allocation and in double (shifted by the
 * max for stability). The exit policies and the calibration use these same functions, so a τ
 * calibrated offline fires at exactly the same step when serving.
 */
public final class ExitMetrics {
    private ExitMetrics() {
    }

    /** Index of the largest score; the lowest index on ties. */
    public static int argmax(float[] scores) {
        int best = 0;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Largest softmax probability of {@code scores}. */
    public static float confidence(float[] scores) {
        int top = argmax(scores);
        double max = scores[top];
        double sum = 0;
        for (float s : scores) {
            sum += Math.exp(s - max);
        }
        return (float) (1.0 / sum);
    }

    /** Softmax probability of the top class minus that of the runner-up (0 for a single class). */
    public static float margin(float[] scores) {
        if (scores.length < 2) {
            return 0f;
        }
        int top = argmax(scores);
        double max = scores[top];
        double second = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (int i = 0; i < scores.length; i++) {
            sum += Math.exp(scores[i] - max);
            if (i != top && scores[i] > second) {
                second = scores[i];
            }
        }
        return (float) ((1.0 - Math.exp(second - max)) / sum);
    }
}

package io.spikestream.events.emulator;

import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The DVS pixel model (the approach of ESIM and v2e, implemented here from the equations): every
 * pixel memorises a reference log intensity and emits an ON (OFF) event each time its log intensity
 * rises (falls) by its own ON (OFF) threshold from that reference; the reference then moves to the
 * crossed level. Between two render steps the log intensity follows a first-order response towards
 * the new frame (display settling and photoreceptor bandwidth) or, with {@code responseTauUs = 0},
 * a straight line; crossing times are solved exactly on that trajectory, so one step may give a
 * pixel several events, each with its own µs timestamp. After an event the pixel is blind for the
 * refractory period, during which its reference tracks the input (the reset switch is closed).
 * Leak (background activity) and shot noise add events a static scene would not cause.
 *
 * <p>One instance emulates one recording on one thread. Events of each step are appended to the
 * output sorted by time, so a whole recording is sorted.
 */
public final class DvsPixelArray {
    private final SensorGeometry geometry;
    private final int n;
    private final DvsParams params;
    private final float[] thrOn;
    private final float[] thrOff;
    private final double[] leakPeriodUs;
    private final SplittableRandom rng;

    private final float[] logI;       // filtered log intensity at the current time
    private final float[] ref;        // memorised reference level
    private final long[] refrUntil;   // end of the refractory period (µs)
    private final double[] leakDue;   // next leak event if nothing else happens first (µs)
    private final int[] xOf;
    private final int[] yOf;
    private double shotRatePerUs;     // whole-array shot-noise rate
    private double nextShotUs;
    private long timeUs;
    private boolean started;

    // events of the current step, sorted by time before they are appended to the output
    private int stepCount;
    private int[] stepPixel = new int[1024];
    private boolean[] stepOn = new boolean[1024];
    private long[] stepT = new long[1024];
    private long[] stepKey = new long[1024];

    // trajectory of the pixel being processed (fields so that the helpers stay allocation-free)
    private double trL0;
    private double trTarget;
    private double trEnd;
    private double trStart;
    private double trDt;
    private double trTau;
    private double trInvSpan;         // 1 / (L0 - target) (exponential) or 1 / (end - L0) (linear)
    private double refractoryDecay;   // exp(-refractory / tau): the trajectory's decay over one dead time
    private int[] bucket = new int[1024];
    private int[] order = new int[1024];

    public DvsPixelArray(PixelMismatch sensor, long noiseSeed) {
        this.geometry = sensor.geometry();
        this.n = geometry.width() * geometry.height();
        this.params = sensor.params();
        this.thrOn = sensor.onThresholds();
        this.thrOff = sensor.offThresholds();
        this.leakPeriodUs = sensor.leakPeriods();
        this.rng = new SplittableRandom(noiseSeed);
        this.logI = new float[n];
        this.ref = new float[n];
        this.refrUntil = new long[n];
        this.leakDue = new double[n];
        this.xOf = new int[n];
        this.yOf = new int[n];
        for (int p = 0; p < n; p++) {
            xOf[p] = p % geometry.width();
            yOf[p] = p / geometry.width();
        }
    }

    public SensorGeometry geometry() {
        return geometry;
    }

    public long timeUs() {
        return timeUs;
    }

    /**
     * Starts a recording at {@code tUs}: the pixels have adapted to {@code logFrame} (row-major
     * y * width + x, natural log of intensity), so nothing fires until it changes.
     */
    public void start(float[] logFrame, long tUs) {
        checkFrame(logFrame);
        System.arraycopy(logFrame, 0, logI, 0, n);
        System.arraycopy(logFrame, 0, ref, 0, n);
        Arrays.fill(refrUntil, tUs);
        for (int p = 0; p < n; p++) {
            // a random phase, so that leak events of different pixels are not synchronised
            leakDue[p] = tUs + rng.nextDouble() * leakPeriodUs[p];
        }
        shotRatePerUs = params.shotNoiseRateHz() * n / 1e6;
        nextShotUs = shotRatePerUs > 0 ? tUs + exponential(shotRatePerUs) : Double.POSITIVE_INFINITY;
        timeUs = tUs;
        started = true;
    }

    /**
     * Advances to {@code tEndUs}: the rendered {@code logFrame} is the scene the log intensity moves
     * towards during (now, tEndUs] — reached linearly at tEndUs when responseTauUs is 0, approached
     * exponentially otherwise. Events with timestamps in [now, tEndUs) are appended to {@code out}
     * in time order.
     */
    public void step(float[] logFrame, long tEndUs, EventBuffer out) {
        if (!started) {
            throw new IllegalStateException("start() the pixel array before stepping it");
        }
        checkFrame(logFrame);
        if (tEndUs <= timeUs) {
            throw new IllegalArgumentException("step end " + tEndUs + " µs not after the current time " + timeUs + " µs");
        }
        long tStart = timeUs;
        stepCount = 0;
        trStart = tStart;
        trDt = tEndUs - tStart;
        trTau = params.responseTauUs();
        boolean expo = trTau > 0;
        float decay = expo ? (float) Math.exp(-trDt / trTau) : 0f;
        refractoryDecay = expo ? Math.exp(-params.refractoryUs() / trTau) : 0;

        shotNoise(logFrame, tStart, tEndUs, decay);

        for (int p = 0; p < n; p++) {
            float l0 = logI[p];
            float target = logFrame[p];
            float lEnd = expo ? target + (l0 - target) * decay : target;
            logI[p] = lEnd;
            float r = ref[p];
            if (refrUntil[p] <= tStart && lEnd - r < thrOn[p] && r - lEnd < thrOff[p] && leakDue[p] >= tEndUs) {
                continue; // the common case: the trajectory is monotonic, so no level was crossed
            }
            trL0 = l0;
            trTarget = target;
            trEnd = lEnd;
            double span = expo ? l0 - target : lEnd - l0;
            trInvSpan = span == 0 ? 0 : 1 / span;
            pixelEvents(p, tStart, tEndUs);
        }
        flushStep(out, tStart, tEndUs);
        timeUs = tEndUs;
    }

    private void pixelEvents(int p, long tStart, long tEnd) {
        long refractory = params.refractoryUs();
        double t = tStart;
        double r = ref[p];
        double last = Double.NaN;
        boolean blind = false;
        long ru = refrUntil[p];
        if (ru > tStart) {
            if (ru >= tEnd) {
                blind = true;
            } else {
                t = ru;
                r = levelAt(ru);
            }
        }
        if (!blind) {
            boolean up = trEnd > r;
            double thr = up ? thrOn[p] : thrOff[p];
            while (up ? trEnd - r >= thr : r - trEnd >= thr) {
                double level = up ? r + thr : r - thr;
                double tc = Math.max(t, timeOf(level));
                long te = emit(p, up, tc, tStart, tEnd);
                last = te;
                r = level;
                if (refractory > 0) {
                    long tr = te + refractory;
                    ru = tr;
                    if (tr >= tEnd) {
                        break;
                    }
                    t = tr;
                    // where the reference stands when the reset switch opens again; on the
                    // exponential trajectory that is the crossed level decayed over one dead time
                    r = trTau > 0 ? trTarget + (level - trTarget) * refractoryDecay : levelAt(tr);
                } else {
                    ru = te;
                    t = tc;
                }
            }
            ref[p] = (float) r;
            refrUntil[p] = ru;
            if (!Double.isNaN(last)) {
                leakDue[p] = last + leakPeriodUs[p];
            }
        }
        // leak: the reference slowly discharges until the pixel fires an ON event and resets
        while (leakDue[p] < tEnd) {
            double tl = Math.max(leakDue[p], Math.max(refrUntil[p], tStart));
            if (tl >= tEnd) {
                break;
            }
            long te = emit(p, true, tl, tStart, tEnd);
            ref[p] = (float) levelAt(te);
            refrUntil[p] = te + refractory;
            leakDue[p] = te + leakPeriodUs[p];
        }
    }

    /** Shot noise: a Poisson process over the whole array; each event resets its pixel. */
    private void shotNoise(float[] logFrame, long tStart, long tEnd, float decay) {
        long refractory = params.refractoryUs();
        while (nextShotUs < tEnd) {
            long ts = Math.max(tStart, (long) nextShotUs);
            int p = rng.nextInt(n);
            boolean on = rng.nextBoolean();
            nextShotUs += exponential(shotRatePerUs);
            if (refrUntil[p] > ts) {
                continue;
            }
            trL0 = logI[p];
            trTarget = logFrame[p];
            trEnd = trTau > 0 ? trTarget + (trL0 - trTarget) * decay : trTarget;
            double span = trTau > 0 ? trL0 - trTarget : trEnd - trL0;
            trInvSpan = span == 0 ? 0 : 1 / span;
            emit(p, on, ts, tStart, tEnd);
            ref[p] = (float) levelAt(ts);
            // the pixel loop resumes this pixel's change detection after the reset
            refrUntil[p] = Math.max(ts + refractory, tStart + 1);
            leakDue[p] = ts + leakPeriodUs[p];
        }
    }

    private double levelAt(double t) {
        double u = t - trStart;
        if (trTau > 0) {
            return trTarget + (trL0 - trTarget) * Math.exp(-u / trTau);
        }
        return trL0 + (trEnd - trL0) * (u / trDt);
    }

    /** Time at which the (monotonic) trajectory of this step reaches {@code level}. */
    private double timeOf(double level) {
        if (trTau > 0) {
            double ratio = (level - trTarget) * trInvSpan;
            if (!(ratio > 0)) {
                return trStart + trDt;
            }
            return ratio >= 1 ? trStart : trStart - trTau * Luminance.fastLn((float) ratio);
        }
        double f = trInvSpan == 0 ? 1 : (level - trL0) * trInvSpan;
        return trStart + trDt * Math.min(1, Math.max(0, f));
    }

    private long emit(int p, boolean on, double t, long tStart, long tEnd) {
        // t >= tStart >= 0, so the cast rounds down
        long te = Math.min(tEnd - 1, Math.max(tStart, (long) t));
        if (stepCount == stepPixel.length) {
            int cap = stepCount * 2;
            stepPixel = Arrays.copyOf(stepPixel, cap);
            stepOn = Arrays.copyOf(stepOn, cap);
            stepT = Arrays.copyOf(stepT, cap);
            stepKey = Arrays.copyOf(stepKey, cap);
        }
        stepPixel[stepCount] = p;
        stepOn[stepCount] = on;
        stepT[stepCount] = te;
        stepCount++;
        return te;
    }

    private void flushStep(EventBuffer out, long tStart, long tEnd) {
        if (stepCount == 0) {
            return;
        }
        int span = (int) Math.min(Integer.MAX_VALUE - 8, tEnd - tStart);
        if (order.length < stepCount) {
            order = new int[Math.max(stepCount, order.length * 2)];
        }
        if (span <= 1 << 20) {
            // stable counting sort by time within the step: ties keep generation order
            if (bucket.length < span + 1) {
                bucket = new int[Math.max(span + 1, bucket.length * 2)];
            }
            Arrays.fill(bucket, 0, span + 1, 0);
            for (int i = 0; i < stepCount; i++) {
                bucket[(int) (stepT[i] - tStart) + 1]++;
            }
            for (int b = 1; b <= span; b++) {
                bucket[b] += bucket[b - 1];
            }
            for (int i = 0; i < stepCount; i++) {
                order[bucket[(int) (stepT[i] - tStart)]++] = i;
            }
        } else {
            // sort key: time within the step, then generation order (deterministic tie-break)
            for (int i = 0; i < stepCount; i++) {
                stepKey[i] = ((stepT[i] - tStart) << 31) | i;
            }
            Arrays.sort(stepKey, 0, stepCount);
            for (int i = 0; i < stepCount; i++) {
                order[i] = (int) (stepKey[i] & 0x7FFF_FFFFL);
            }
        }
        out.ensureSpace(stepCount);
        for (int i = 0; i < stepCount; i++) {
            int k = order[i];
            int p = stepPixel[k];
            out.add(xOf[p], yOf[p], stepOn[k], stepT[k]);
        }
        stepCount = 0;
    }

    private double exponential(double ratePerUs) {
        return -Math.log(1.0 - rng.nextDouble()) / ratePerUs;
    }

    private void checkFrame(float[] frame) {
        if (frame.length != n) {
            throw new IllegalArgumentException("frame of " + frame.length + " values for a " + geometry + " sensor");
        }
    }
}

package io.spikestream.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/** p50/p90/p99/p99.9/max in ms of a histogram recorded in µs; NaN when it is empty. */
public record Percentiles(long count, double p50, double p90, double p99, double p999, double max) {

    public static Percentiles ofMicros(Histogram us) {
        if (us.getTotalCount() == 0) {
            return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new Percentiles(us.getTotalCount(), ms(us.getValueAtPercentile(50)), ms(us.getValueAtPercentile(90)),
                ms(us.getValueAtPercentile(99)), ms(us.getValueAtPercentile(99.9)), ms(us.getMaxValue()));
    }

    /** The percentile curve as [percentile, ms] pairs, denser towards the tail (for plots). */
    public static List<double[]> curve(Histogram us) {
        List<double[]> pts = new ArrayList<>();
        if (us.getTotalCount() == 0) {
            return pts;
        }
        for (HistogramIterationValue v : us.percentiles(5)) {
            double p = v.getPercentileLevelIteratedTo();
            pts.add(new double[] {Math.min(p, 100.0), ms(v.getValueIteratedTo())});
            if (p >= 100.0) {
                break;
            }
        }
        return pts;
    }

    private static double ms(long us) {
        return us / 1000.0;
    }

    /** JSON map; empty histograms give nulls rather than NaN (JSON has no NaN). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("p50", num(p50));
        m.put("p90", num(p90));
        m.put("p99", num(p99));
        m.put("p999", num(p999));
        m.put("max", num(max));
        m.put("count", count);
        return m;
    }

    /** The value, or null for NaN and infinities (JSON has neither). */
    public static Double num(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
    }
}

package io.spikestream.bench.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * A small self-contained SVG chart (lines, points, bars side by side or stacked; linear or log axes), so
 * that the report opens in a browser with no network and no plotting dependency.
 */
final class SvgPlot {
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
        "#e377c2", "#17becf"};
    private static final int W = 640;
    private static final int H = 360;
    private static final int L = 70;
    private static final int R = 150;
    private static final int T = 36;
    private static final int B = 50;

    record Series(String name, double[] x, double[] y, boolean bars) {
    }

    record Tick(double value, String label) {
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private boolean logX;
    private boolean logY;
    private List<Tick> xTicks;
    private final List<Series> series = new ArrayList<>();
    private final List<double[]> hlines = new ArrayList<>();
    private final List<String> hlineNames = new ArrayList<>();
    private Double yMin;
    private Double yMax;
    private boolean stacked;

    SvgPlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    SvgPlot logX() {
        logX = true;
        return this;
    }

    SvgPlot logY() {
        logY = true;
        return this;
    }

    SvgPlot xTicks(List<Tick> ticks) {
        xTicks = ticks;
        return this;
    }

    /** Bar series stack on each other at the same x (linear y axis) instead of standing side by side. */
    SvgPlot stacked() {
        stacked = true;
        return this;
    }

    SvgPlot yRange(double min, double max) {
        yMin = min;
        yMax = max;
        return this;
    }

    SvgPlot line(String name, double[] x, double[] y) {
        series.add(new Series(name, x, y, false));
        return this;
    }

    SvgPlot bars(String name, double[] x, double[] y) {
        series.add(new Series(name, x, y, true));
        return this;
    }

    SvgPlot hline(String name, double y) {
        hlines.add(new double[] {y});
        hlineNames.add(name);
        return this;
    }

    private double tx(double v) {
        return logX ? Math.log10(v) : v;
    }

    private double ty(double v) {
        return logY ? Math.log10(v) : v;
    }

    private boolean okX(double v) {
        return Double.isFinite(v) && (!logX || v > 0);
    }

    private boolean okY(double v) {
        return Double.isFinite(v) && (!logY || v > 0);
    }

    String render() {
        double x0 = Double.POSITIVE_INFINITY;
        double x1 = Double.NEGATIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY;
        double y1 = Double.NEGATIVE_INFINITY;
        boolean anyBars = false;
        Map<Double, Double> heights = new HashMap<>();
        for (Series s : series) {
            anyBars |= s.bars();
            for (int i = 0; i < s.x().length; i++) {
                if (okX(s.x()[i]) && okY(s.y()[i])) {
                    double top = stacked && s.bars() ? heights.merge(s.x()[i], s.y()[i], Double::sum) : s.y()[i];
                    x0 = Math.min(x0, tx(s.x()[i]));
                    x1 = Math.max(x1, tx(s.x()[i]));
                    y0 = Math.min(y0, ty(top));
                    y1 = Math.max(y1, ty(top));
                }
            }
        }
        heights.clear();
        for (double[] h : hlines) {
            if (okY(h[0])) {
                y0 = Math.min(y0, ty(h[0]));
                y1 = Math.max(y1, ty(h[0]));
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"11\">\n", W, H, W, H));
        sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        sb.append(text(W / 2.0, 18, title, "middle", 14));
        if (!Double.isFinite(x0)) {
            sb.append(text(W / 2.0, H / 2.0, "no data", "middle", 12)).append("</svg>\n");
            return sb.toString();
        }
        if (xTicks != null) {
            for (Tick t : xTicks) {
                x0 = Math.min(x0, tx(t.value()));
                x1 = Math.max(x1, tx(t.value()));
            }
        }
        if (anyBars) {
            x0 -= 0.5;
            x1 += 0.5;
            y0 = Math.min(y0, 0);
        }
        if (yMin != null) {
            y0 = ty(yMin);
            y1 = ty(yMax);
        } else if (!logY) {
            y0 = Math.min(0, y0);
            y1 = y1 + (y1 - y0) * 0.05;
        } else {
            y0 -= 0.1;
            y1 += 0.1;
        }
        if (x1 - x0 < 1e-12) {
            // one point (or one load): give it room on both sides, in the axis's own units
            double pad = logX ? 0.3 : Math.max(1e-9, Math.abs(x0) * 0.2);
            x0 -= pad;
            x1 += pad;
        }
        if (y1 - y0 < 1e-12) {
            y1 = y0 + 1;
        }
        final double fx0 = x0;
        final double fx1 = x1;
        final double fy0 = y0;
        final double fy1 = y1;
        DoubleFunction<Double> px = v -> L + (tx(v) - fx0) / (fx1 - fx0) * (W - L - R);
        DoubleFunction<Double> py = v -> H - B - (ty(v) - fy0) / (fy1 - fy0) * (H - T - B);
        // axes and grid
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>\n",
                L, T, W - L - R, H - T - B));
        List<Tick> xs = xTicks != null ? xTicks : ticks(x0, x1, logX);
        for (Tick t : xs) {
            double p = px.apply(t.value());
            if (p < L - 0.5 || p > W - R + 0.5) {
                continue;
            }
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n",
                    p, T, p, H - B));
            sb.append(text(p, H - B + 14, t.label(), "middle", 11));
        }
        for (Tick t : ticks(y0, y1, logY)) {
            double p = py.apply(t.value());
            if (p < T - 0.5 || p > H - B + 0.5) {
                continue;
            }
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
                    L, p, W - R, p));
            sb.append(text(L - 4, p + 4, t.label(), "end", 11));
        }
        sb.append(text(L + (W - L - R) / 2.0, H - 12, xLabel, "middle", 12));
        sb.append(String.format(Locale.ROOT,
                "<text x=\"14\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 14 %.1f)\">%s</text>\n",
                T + (H - T - B) / 2.0, T + (H - T - B) / 2.0, esc(yLabel)));
        int barSeries = (int) series.stream().filter(Series::bars).count();
        int barIndex = 0;
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            String color = COLORS[k % COLORS.length];
            if (s.bars()) {
                double unit = (W - L - R) / (x1 - x0);
                double bw = stacked ? unit * 0.6 : unit * 0.8 / barSeries;
                for (int i = 0; i < s.x().length; i++) {
                    if (!okX(s.x()[i]) || !Double.isFinite(s.y()[i])) {
                        continue;
                    }
                    double cx = stacked ? px.apply(s.x()[i]) - unit * 0.3 : px.apply(s.x()[i]) - unit * 0.4 + barIndex * bw;
                    double below = stacked ? heights.getOrDefault(s.x()[i], 0.0) : 0;
                    if (stacked) {
                        heights.put(s.x()[i], below + Math.max(0, s.y()[i]));
                    }
                    double top = py.apply(below + Math.max(s.y()[i], logY ? 1e-300 : 0));
                    double base = stacked ? py.apply(below) : py.apply(logY ? Math.pow(10, y0) : Math.max(0, y0));
                    sb.append(String.format(Locale.ROOT,
                            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s: %s</title></rect>\n",
                            cx, Math.min(top, base), Math.max(0.5, bw - 1), Math.abs(base - top), color, esc(s.name()),
                            num(s.y()[i])));
                }
                barIndex++;
            } else {
                StringBuilder pts = new StringBuilder();
                for (int i = 0; i < s.x().length; i++) {
                    if (okX(s.x()[i]) && okY(s.y()[i])) {
                        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px.apply(s.x()[i]), py.apply(s.y()[i])));
                        sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\"/>\n",
                                px.apply(s.x()[i]), py.apply(s.y()[i]), s.x().length > 30 ? "1.2" : "3", color));
                    }
                }
                sb.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\"/>\n",
                        pts.toString().trim(), color));
            }
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>\n",
                    W - R + 10, T + 4 + k * 16, color));
            sb.append(text(W - R + 24, T + 13 + k * 16, s.name(), "start", 11));
        }
        for (int k = 0; k < hlines.size(); k++) {
            double v = hlines.get(k)[0];
            if (!okY(v)) {
                continue;
            }
            double p = py.apply(v);
            sb.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#000\" stroke-dasharray=\"5,4\"/>\n",
                    L, p, W - R, p));
            sb.append(text(W - R + 10, p + 4, hlineNames.get(k), "start", 11));
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    /** Round-number ticks for a (transformed) range. */
    static List<Tick> ticks(double lo, double hi, boolean log) {
        List<Tick> out = new ArrayList<>();
        if (log) {
            // decades, plus 2 and 5 when the range spans under two decades
            double[] steps = hi - lo < 2 ? new double[] {1, 2, 5} : new double[] {1};
            for (int e = (int) Math.floor(lo); e <= Math.ceil(hi); e++) {
                for (double m : steps) {
                    double v = m * Math.pow(10, e);
                    if (Math.log10(v) >= lo - 1e-9 && Math.log10(v) <= hi + 1e-9) {
                        out.add(new Tick(v, num(v)));
                    }
                }
            }
            return out;
        }
        double span = hi - lo;
        double step = Math.pow(10, Math.floor(Math.log10(span / 5)));
        if (span / step > 10) {
            step *= 2;
        }
        if (span / step > 10) {
            step *= 2.5;
        }
        for (double v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
            out.add(new Tick(v, num(v)));
        }
        return out;
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (Math.abs(v) >= 1) {
            return String.format(Locale.ROOT, "%.3g", v);
        }
        return String.format(Locale.ROOT, "%.2g", v);
    }

    private static String text(double x, double y, String s, String anchor, int size) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>\n",
                x, y, anchor, size, esc(s));
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

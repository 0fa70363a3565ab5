package io.spikestream.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.spikestream.bench.BenchResult;
import io.spikestream.bench.LoadResult;
import io.spikestream.bench.Percentiles;
import io.spikestream.bench.Stage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a bench result as {@code report.json} (the same object {@code bench --json} prints) and
 * {@code report.html}: summary tables and inline SVG plots — latency percentile curve (log scale),
 * latency vs offered load, latency by stage (stacked), steps used, accuracy by steps — that need no
 * network to view.
 */
public final class Report {
    public static final String JSON_FILE = "report.json";
    public static final String HTML_FILE = "report.html";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Report() {
    }

    /** Writes both files into {@code dir} (created when missing); returns the JSON file. */
    public static Path write(Path dir, BenchResult result) {
        try {
            Files.createDirectories(dir);
            Path json = dir.resolve(JSON_FILE);
            MAPPER.writeValue(json.toFile(), result.toJson());
            Files.writeString(dir.resolve(HTML_FILE), html(result), StandardCharsets.UTF_8);
            return json;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report into " + dir + ": " + e.getMessage(), e);
        }
    }

    public static String html(BenchResult r) {
        Map<String, Object> json = r.toJson();
        LoadResult head = r.headline();
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>spikestream bench report</title>\n")
                .append("<style>body{font-family:sans-serif;margin:2em;max-width:1400px}table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f0f0f0}")
                .append(".plots{display:flex;flex-wrap:wrap;gap:12px}pre{background:#f7f7f7;padding:1em;overflow:auto}")
                .append(".bad{color:#b00}</style></head><body>\n");
        sb.append("<h1>spikestream decision latency</h1>\n");
        sb.append("<p>Decision latency runs from the intended send time of the packet that closed the deciding frame ")
                .append("(the replay's open-loop schedule, so coordinated omission is counted) to the moment the ")
                .append("bench consumer read the classification (read_committed). Started ")
                .append(SvgPlot.esc(r.startedAt())).append(", ").append(fmt(r.seconds())).append(" s.</p>\n");
        sb.append("<p>Guarantee: ").append(SvgPlot.esc(r.config().guarantee().text())).append(r.ok() ? " (kept)"
                : " <span class=\"bad\">(not kept)</span>").append(". Duplicates are decisions received again with the same key ")
                .append("(camera, episode) and outcome; conflicting duplicates have the same key and another outcome.</p>\n");
        sb.append("<table><tr><th>classified</th><th>expected</th><th>duplicates</th><th>missing</th><th>accuracy</th>")
                .append("<th>mean steps</th><th>cameras (headline)</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th>")
                .append("<th>p99.9 ms</th><th>max ms</th><th>knee (cameras)</th></tr>\n<tr>");
        String cls = r.ok() ? "" : " class=\"bad\"";
        sb.append(td(r.classified(), cls)).append(td(r.expected(), cls)).append(td(r.duplicates(), cls))
                .append(td(r.missing(), cls)).append(td(fmt(r.accuracy()), "")).append(td(fmt(r.meanSteps()), ""))
                .append(td(head.cameras(), "")).append(td(fmt(head.latencyMs().p50()), ""))
                .append(td(fmt(head.latencyMs().p90()), "")).append(td(fmt(head.latencyMs().p99()), ""))
                .append(td(fmt(head.latencyMs().p999()), "")).append(td(fmt(head.latencyMs().max()), ""))
                .append(td(r.kneeCameras() == null ? "none" : r.kneeCameras().toString(), ""))
                .append("</tr></table>\n");
        sb.append("<h2>Loads</h2>\n<table><tr><th>cameras</th><th>offered ev/s</th><th>achieved ev/s</th>")
                .append("<th>behind schedule max ms</th><th>expected</th><th>classified</th><th>dup</th><th>missing</th>")
                .append("<th>accuracy</th><th>mean steps</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>p99.9 ms</th>")
                .append("<th>max ms</th><th>timed</th><th>sensor p50 ms</th><th>sensor p99 ms</th></tr>\n");
        for (LoadResult l : r.loads()) {
            String c = l.meets(r.config().guarantee()) ? "" : " class=\"bad\"";
            sb.append("<tr>").append(td(l.cameras(), "")).append(td(fmt(l.replay().offeredEventsPerS()), ""))
                    .append(td(fmt(l.replay().achievedEventsPerS()), "")).append(td(fmt(l.replay().behindMaxMs()), ""))
                    .append(td(l.expected(), c)).append(td(l.classified(), c)).append(td(l.duplicates(), c))
                    .append(td(l.missing(), c)).append(td(fmt(l.accuracy()), "")).append(td(fmt(l.meanSteps()), ""))
                    .append(td(fmt(l.latencyMs().p50()), "")).append(td(fmt(l.latencyMs().p90()), ""))
                    .append(td(fmt(l.latencyMs().p99()), "")).append(td(fmt(l.latencyMs().p999()), ""))
                    .append(td(fmt(l.latencyMs().max()), "")).append(td(l.latencyMs().count(), ""))
                    .append(td(fmt(l.sensorMs().p50()), "")).append(td(fmt(l.sensorMs().p99()), "")).append("</tr>\n");
        }
        sb.append("</table>\n");
        sb.append(offline(r));
        sb.append(stageTable(r));
        sb.append("<div class=\"plots\">\n");
        sb.append(percentileCurve(r)).append(stagePlot(r)).append(latencyVsLoad(r)).append(stepsHistogram(r))
                .append(accuracyBySteps(r));
        sb.append("</div>\n<h2>Exit reasons</h2>\n<table><tr>");
        @SuppressWarnings("unchecked")
        Map<String, Long> reasons = (Map<String, Long>) json.get("exit_reasons");
        reasons.keySet().forEach(k -> sb.append("<th>").append(SvgPlot.esc(k)).append("</th>"));
        sb.append("</tr><tr>");
        reasons.values().forEach(v -> sb.append(td(v, "")));
        sb.append("</tr></table>\n<h2>Machine and configuration</h2>\n<pre>");
        try {
            sb.append(SvgPlot.esc(MAPPER.writeValueAsString(Map.of("machine", r.machine(), "configuration",
                    r.config().describe()))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sb.append("</pre>\n</body></html>\n");
        return sb.toString();
    }

    private static String percentileCurve(BenchResult r) {
        SvgPlot p = new SvgPlot("Decision latency by percentile", "percentile", "latency (ms)").logX()
                .xTicks(List.of(new SvgPlot.Tick(1, "0%"), new SvgPlot.Tick(2, "50%"), new SvgPlot.Tick(10, "90%"),
                        new SvgPlot.Tick(100, "99%"), new SvgPlot.Tick(1000, "99.9%"), new SvgPlot.Tick(10000, "99.99%")));
        for (LoadResult l : r.loads()) {
            List<double[]> c = l.latencyCurve();
            double[] x = new double[c.size()];
            double[] y = new double[c.size()];
            for (int i = 0; i < c.size(); i++) {
                // 1/(1-q): each decade is one more nine; 100 % is drawn at 99.999 %
                x[i] = 1.0 / Math.max(1e-5, 1.0 - c.get(i)[0] / 100.0);
                y[i] = c.get(i)[1];
            }
            p.line(l.cameras() + " cam", x, y);
        }
        return p.render();
    }

    /** The offline check per load, when it ran. */
    private static String offline(BenchResult r) {
        if (r.loads().get(0).offline() == null) {
            return "<p>The offline check did not run.</p>\n";
        }
        StringBuilder sb = new StringBuilder("<h2>Offline check</h2>\n<p>Every decision against the offline path for the "
                + "same recording (the trainer's frames, the same engine and exit rule): class, steps, exit reason and "
                + "scores bit for bit.</p>\n<table><tr><th>cameras</th><th>checked</th><th>identical</th><th>differing</th>"
                + "<th>offline accuracy</th><th>offline mean steps</th><th>served accuracy</th><th>served mean steps</th></tr>\n");
        for (LoadResult l : r.loads()) {
            String c = l.offline().differing() == 0 ? "" : " class=\"bad\"";
            sb.append("<tr>").append(td(l.cameras(), "")).append(td(l.offline().checked(), ""))
                    .append(td(l.offline().identical(), c)).append(td(l.offline().differing(), c))
                    .append(td(fmt(l.offline().accuracy()), "")).append(td(fmt(l.offline().meanSteps()), ""))
                    .append(td(fmt(l.accuracy()), "")).append(td(fmt(l.meanSteps()), "")).append("</tr>\n");
        }
        return sb.append("</table>\n").toString();
    }

    /** p50 and p99 of every stage per load, and the topics' timestamp types the split at the broker rests on. */
    private static String stageTable(BenchResult r) {
        StringBuilder sb = new StringBuilder("<h2>Latency by stage</h2>\n<p>Stages of the decided episodes timed above. ")
                .append("Kafka timestamps have millisecond resolution, so the split at each broker append is good to about ")
                .append("1 ms; topic timestamp types: ").append(SvgPlot.esc(String.valueOf(r.timestampTypes())))
                .append(". Percentiles of the stages do not add up to the percentile of the total.</p>\n");
        sb.append("<table><tr><th>cameras</th><th>stage</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>max ms</th>")
                .append("<th>timed</th></tr>\n");
        for (LoadResult l : r.loads()) {
            for (Map.Entry<Stage, Percentiles> e : l.stages().entrySet()) {
                Percentiles p = e.getValue();
                sb.append("<tr>").append(td(l.cameras(), "")).append("<td style=\"text-align:left\">")
                        .append(SvgPlot.esc(e.getKey().description())).append("</td>").append(td(fmt(p.p50()), ""))
                        .append(td(fmt(p.p90()), "")).append(td(fmt(p.p99()), "")).append(td(fmt(p.max()), ""))
                        .append(td(p.count(), "")).append("</tr>\n");
            }
        }
        return sb.append("</table>\n").toString();
    }

    /** Stacked bars: for each load the stages' p50s in one bar and their p99s in the next. */
    private static String stagePlot(BenchResult r) {
        int n = r.loads().size();
        List<SvgPlot.Tick> ticks = new ArrayList<>();
        double[] x = new double[2 * n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = 2 * i;
            x[2 * i + 1] = 2 * i + 1;
            ticks.add(new SvgPlot.Tick(2 * i, r.loads().get(i).cameras() + " cam p50"));
            ticks.add(new SvgPlot.Tick(2 * i + 1, "p99"));
        }
        SvgPlot p = new SvgPlot("Latency by stage (stacked)", "cameras and percentile", "ms").stacked().xTicks(ticks);
        for (Stage stage : Stage.values()) {
            double[] y = new double[2 * n];
            for (int i = 0; i < n; i++) {
                Percentiles q = r.loads().get(i).stages().get(stage);
                y[2 * i] = q.p50();
                y[2 * i + 1] = q.p99();
            }
            p.bars(stage.jsonName(), x, y);
        }
        return p.render();
    }

    private static String latencyVsLoad(BenchResult r) {
        int n = r.loads().size();
        double[] x = new double[n];
        double[] p50 = new double[n];
        double[] p99 = new double[n];
        double[] p999 = new double[n];
        for (int i = 0; i < n; i++) {
            LoadResult l = r.loads().get(i);
            x[i] = l.replay().offeredEventsPerS();
            p50[i] = l.latencyMs().p50();
            p99[i] = l.latencyMs().p99();
            p999[i] = l.latencyMs().p999();
        }
        return new SvgPlot("Latency vs offered load", "offered load (events/s)", "latency (ms)").logY()
                .line("p50", x, p50).line("p99", x, p99).line("p99.9", x, p999)
                .hline("p99 bound", r.config().p99BoundMs()).render();
    }

    private static String stepsHistogram(BenchResult r) {
        long[] h = r.stepsHistogram();
        double[] x = new double[h.length];
        double[] y = new double[h.length];
        for (int i = 0; i < h.length; i++) {
            x[i] = i;
            y[i] = h[i];
        }
        return new SvgPlot("Time steps used per decision", "steps used", "decisions").bars("decisions", x, y).render();
    }

    private static String accuracyBySteps(BenchResult r) {
        double[] acc = r.accuracyBySteps();
        double[] x = new double[acc.length];
        for (int i = 0; i < acc.length; i++) {
            x[i] = i;
        }
        return new SvgPlot("Accuracy by steps used", "steps used", "accuracy").yRange(0, 1)
                .bars("accuracy", x, acc).render();
    }

    private static String td(Object v, String cls) {
        return "<td" + cls + ">" + SvgPlot.esc(String.valueOf(v)) + "</td>";
    }

    private static String fmt(double v) {
        Double d = Percentiles.num(v);
        return d == null ? "–" : String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.3g", v);
    }
}

package io.spikestream.trainer.cli.session;

import com.fasterxml.jackson.databind.JsonNode;
import io.spikestream.app.cli.JsonOut;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the session knows so far, per stage and in notes, and its two summaries in the output
 * folder: {@code session-summary.json} (the stages with the {@code train --json} / {@code eval
 * --json} objects they printed) and {@code session-summary.txt} (the same in lines). Rewritten after
 * every change, each by writing a {@code .part} file and renaming it, so a cut-off call returns a
 * whole summary of the latest state.
 */
final class SessionState {
    /** The stages in the order they run; {@code unpack} is the shell's, reported here. */
    static final List<String> STAGES = List.of("unpack", "gpu_check", "nmnist", "nmnist_eval", "cifar10dvs",
            "cifar10dvs_eval");

    /** One stage's record; null fields are left out of the JSON. */
    static final class Stage {
        String status;
        Integer exit;
        Long seconds;
        Long timeoutS;
        Long timeBudgetS;
        String reason;
        String command;
        /** The file its command printed its JSON object to, when it prints one. */
        Path trainJson;
        Path evalJson;

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            put(m, "status", status);
            put(m, "exit", exit);
            put(m, "seconds", seconds);
            put(m, "timeout_s", timeoutS);
            put(m, "time_budget_s", timeBudgetS);
            put(m, "reason", reason);
            put(m, "command", command);
            if (trainJson != null) {
                m.put("train", readObject(trainJson));
            }
            if (evalJson != null) {
                m.put("eval", readObject(evalJson));
            }
            return m;
        }

        private static void put(Map<String, Object> m, String k, Object v) {
            if (v != null) {
                m.put(k, v);
            }
        }
    }

    private final SessionPlan plan;
    private final Map<String, Stage> stages = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private String gpu = "";
    private Integer exit;
    private boolean finished;

    SessionState(SessionPlan plan) {
        this.plan = plan;
    }

    synchronized Stage stage(String name) {
        return stages.computeIfAbsent(name, k -> new Stage());
    }

    synchronized void note(String line) {
        notes.add(line);
    }

    synchronized void gpu(String name) {
        gpu = name == null ? "" : name;
    }

    synchronized void finished(int code) {
        exit = code;
        finished = true;
    }

    synchronized boolean isFinished() {
        return finished;
    }

    long elapsed() {
        return Instant.now().getEpochSecond() - plan.startedAt();
    }

    /** The command's JSON object, or null while it is missing or incomplete. */
    static JsonNode readObject(Path file) {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) == 0) {
                return null;
            }
            JsonNode n = JsonOut.mapper().readTree(file.toFile());
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    synchronized Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        Instant start = Instant.ofEpochSecond(plan.startedAt());
        m.put("started_utc", start.toString());
        m.put("updated_utc", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        m.put("seconds", elapsed());
        m.put("limit_s", plan.limits().limit());
        m.put("finished", finished);
        m.put("exit", exit);
        m.put("backend", plan.backend());
        m.put("gpu", gpu);
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        Map<String, Object> st = new LinkedHashMap<>();
        for (String name : STAGES) {
            Stage s = stages.get(name);
            if (s != null && s.status != null) {
                st.put(name, s.toJson());
            }
        }
        m.put("stages", st);
        m.put("notes", List.copyOf(notes));
        return m;
    }

    synchronized String toText() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "spikestream GPU session, %s, %d s of %d s; backend %s; %s%n",
                Instant.ofEpochSecond(plan.startedAt()), elapsed(), plan.limits().limit(), plan.backend(),
                gpu.isEmpty() ? "no GPU seen" : gpu));
        for (String name : STAGES) {
            Stage s = stages.get(name);
            if (s == null || s.status == null) {
                continue;
            }
            b.append(String.format(Locale.ROOT, "%-16s %-10s exit %-4s %5s s%s%n", name, s.status,
                    s.exit == null ? "-" : s.exit, s.seconds == null ? "-" : s.seconds,
                    s.reason == null ? "" : "  (" + s.reason + ")"));
            JsonNode t = s.trainJson == null ? null : readObject(s.trainJson);
            if (t != null) {
                JsonNode e = t.path("early_exit");
                b.append(String.format(Locale.ROOT, "    trained %s of at most %s epochs (budget %s s; data %s s), %s samples/s,"
                        + " best validation %s, early exit %s in %s steps%n", text(t, "epochs"), text(t, "epochs_requested"),
                        text(t, "time_budget_s"), text(t, "framing_s"), text(t, "samples_per_s"), pct(t.path("best_accuracy")),
                        pct(e.path("accuracy")), text(e, "mean_steps")));
            }
            JsonNode ev = s.evalJson == null ? null : readObject(s.evalJson);
            if (ev != null) {
                JsonNode e = ev.path("early_exit");
                b.append(String.format(Locale.ROOT, "    eval on %s held-out samples: accuracy at T %s; early exit %s in %s steps%n",
                        text(ev, "samples"), pct(ev.path("accuracy")), pct(e.path("accuracy")), text(e, "mean_steps")));
            }
        }
        Path checkSummary = plan.check().resolve("summary.txt");
        if (Files.isRegularFile(checkSummary)) {
            try {
                Files.readAllLines(checkSummary, StandardCharsets.UTF_8).forEach(l -> b.append("    gpu-check: ").append(l)
                        .append('\n'));
            } catch (IOException e) {
                b.append("    gpu-check: summary unreadable: ").append(e.getMessage()).append('\n');
            }
        }
        notes.forEach(n -> b.append("note: ").append(n).append('\n'));
        b.append("files: ").append(String.join(" ", outFiles())).append('\n');
        return b.toString();
    }

    private List<String> outFiles() {
        try (Stream<Path> s = Files.list(plan.out())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.contains(".part")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isMissingNode() || v.isNull() ? "-" : v.asText();
    }

    private static String pct(JsonNode v) {
        return v.isNumber() ? String.format(Locale.ROOT, "%.2f %%", 100 * v.asDouble()) : "-";
    }

    /** Both summaries into the output folder, each whole or not at all. */
    synchronized void write() {
        try {
            Files.createDirectories(plan.out());
            atomicWrite(plan.out().resolve("session-summary.json"), JsonOut.toJson(JsonOut.nonFiniteAsNull(toJson())) + "\n");
            atomicWrite(plan.out().resolve("session-summary.txt"), toText());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the session summary to " + plan.out(), e);
        }
    }

    static void atomicWrite(Path file, String content) throws IOException {
        Path part = file.resolveSibling(file.getFileName() + ".part");
        Files.writeString(part, content, StandardCharsets.UTF_8);
        OutputCopier.moveIntoPlace(part, file);
    }
}

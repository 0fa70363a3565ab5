package io.spikestream.stream.health;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code /health/live}, {@code /health/ready} and {@code /health} answer.
 *
 * @param live          the app can still work without a restart: Kafka Streams is not in ERROR,
 *                      PENDING_ERROR, PENDING_SHUTDOWN or NOT_RUNNING
 * @param ready         live, has run (reached RUNNING once) and is RUNNING or REBALANCING, the broker
 *                      answered recently, and no stream thread failed recently
 * @param state         the Kafka Streams state
 * @param sinceContact  time since the broker last answered; null when it never has
 * @param threadFailures stream threads failed (and replaced) since start
 * @param problems      why it is not ready, one line each; empty when ready
 */
public record HealthStatus(boolean live, boolean ready, String state, Duration sinceContact, long threadFailures,
                           List<String> problems) {

    public HealthStatus {
        problems = List.copyOf(problems);
    }

    /** The JSON object of the health endpoints, as text. */
    public String toJsonText() {
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<String, Object> e : toJson().entrySet()) {
            if (b.length() > 1) {
                b.append(", ");
            }
            quote(b, e.getKey()).append(": ");
            value(b, e.getValue());
        }
        return b.append("}\n").toString();
    }

    private static void value(StringBuilder b, Object v) {
        if (v instanceof String str) {
            quote(b, str);
        } else if (v instanceof List<?> list) {
            b.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    b.append(", ");
                }
                value(b, list.get(i));
            }
            b.append(']');
        } else {
            b.append(v); // numbers, booleans and null print as JSON
        }
    }

    private static StringBuilder quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"');
    }

    /** The JSON object of the health endpoints. */
    public Map<String, Object> toJson() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("status", ready ? "UP" : "DOWN");
        o.put("live", live);
        o.put("ready", ready);
        o.put("state", state);
        o.put("broker_contact_ms_ago", sinceContact == null ? null : sinceContact.toMillis());
        o.put("stream_thread_failures", threadFailures);
        o.put("problems", problems);
        return o;
    }
}

package io.spikestream.replay;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a replay sent and how well it kept its schedule.
 *
 * @param packets            packets with events sent
 * @param heartbeats         heartbeats sent (packets with only a watermark)
 * @param offeredEventsPerS  events over the scheduled span (what the schedule asked for)
 * @param achievedEventsPerS events over the span actually taken (origin to the last send)
 * @param behindP50Ms        median of (actual − intended) send time over all packets
 * @param behindMaxMs        the furthest behind any packet was sent
 * @param behindLastMs       how far behind the last packet was (a growing backlog ends high)
 * @param stopped            the replay was asked to stop (Ctrl-C) before its schedule ended
 */
public record ReplayResult(long packets, long heartbeats, long events, long samples, double seconds, int cameras,
                           double offeredEventsPerS, double achievedEventsPerS,
                           double behindP50Ms, double behindP99Ms, double behindMaxMs, double behindLastMs,
                           long bytes, boolean stopped) {

    /** The JSON object of {@code replay --json}. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("packets", packets);
        m.put("heartbeats", heartbeats);
        m.put("events", events);
        m.put("seconds", seconds);
        m.put("samples", samples);
        m.put("cameras", cameras);
        m.put("bytes", bytes);
        m.put("offered_events_per_s", offeredEventsPerS);
        m.put("achieved_events_per_s", achievedEventsPerS);
        Map<String, Object> behind = new LinkedHashMap<>();
        behind.put("p50", behindP50Ms);
        behind.put("p99", behindP99Ms);
        behind.put("max", behindMaxMs);
        behind.put("last", behindLastMs);
        m.put("behind_schedule_ms", behind);
        m.put("stopped_early", stopped);
        return m;
    }
}

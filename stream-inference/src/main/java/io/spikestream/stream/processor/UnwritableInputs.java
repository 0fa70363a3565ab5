package io.spikestream.stream.processor;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Input records whose output the producer refused, shared by the production exception handler (which
 * notes them) and the processor (which sets them aside when it meets them again). Under exactly-once a
 * refused write aborts the transaction, so the task processes the same input again: the first time
 * back it goes to the dead-letter topic instead, and if even that copy is refused it is dropped. Either
 * way the partition moves on. Thread-safe; remembers at most {@link #CAPACITY} inputs (oldest forgotten).
 */
public final class UnwritableInputs {
    /** What to do with an input record. */
    public enum Action {
        /** Nothing is known against it. */
        PROCESS,
        /** Its output was refused once: send it to the dead-letter topic. */
        DEAD_LETTER,
        /** Its dead-letter copy was refused too: drop it (counted and logged). */
        DROP
    }

    static final int CAPACITY = 10_000;

    private record Entry(String reason, int refusals) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > CAPACITY;
        }
    };

    /** Notes that a record produced from input {@code topic-partition@offset} was refused, and why. */
    public synchronized void refused(String topic, int partition, long offset, String reason) {
        String k = key(topic, partition, offset);
        Entry e = entries.get(k);
        entries.put(k, new Entry(e == null ? reason : e.reason, e == null ? 1 : e.refusals + 1));
    }

    /** What to do with the input record of {@code m}; always {@link Action#PROCESS} without metadata. */
    public synchronized Action actionFor(RecordMetadata m) {
        if (m == null) {
            return Action.PROCESS;
        }
        Entry e = entries.get(key(m.topic(), m.partition(), m.offset()));
        if (e == null) {
            return Action.PROCESS;
        }
        if (e.refusals >= 2) {
            entries.remove(key(m.topic(), m.partition(), m.offset()));
            return Action.DROP;
        }
        return Action.DEAD_LETTER;
    }

    /** Why the output of the input of {@code m} was refused, or null. */
    public synchronized String reason(RecordMetadata m) {
        Entry e = m == null ? null : entries.get(key(m.topic(), m.partition(), m.offset()));
        return e == null ? null : e.reason;
    }

    public synchronized int size() {
        return entries.size();
    }

    private static String key(String topic, int partition, long offset) {
        return topic + "-" + partition + "@" + offset;
    }
}

package io.spikestream.stream.processor;

import io.spikestream.events.EventBuffer;
import io.spikestream.events.PacketCodec;
import io.spikestream.events.PacketFormatException;
import io.spikestream.events.ReplayMetadata;
import io.spikestream.events.SensorGeometry;
import io.spikestream.proto.v1.Classification;
import io.spikestream.proto.v1.EventPacket;
import io.spikestream.stream.metrics.StreamMetrics;
import io.spikestream.stream.state.CameraState;
import io.spikestream.stream.state.CameraStateCodec;
import io.spikestream.topics.ClassificationMapper;
import io.spikestream.topics.DeadLetterKind;
import io.spikestream.topics.DeadLetterRecord;
import io.spikestream.topics.Decision;
import io.spikestream.topics.DecisionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events → classifications, one camera per key. Each record is checked completely (protobuf, packed
 * events, geometry, camera id, time order) before it touches the camera's state; a bad one goes to the
 * dead-letter child with the reason in its headers and the original bytes, and processing goes on.
 * A wall-clock punctuator closes the partial frames of idle cameras. Decisions are keyed by
 * {@link DecisionKey} (camera and episode).
 *
 * <p>Each camera's state remembers the last input record it applied (partition and offset). Under
 * at-least-once a restart reads again the records after the last commit, while the state, restored from
 * its changelog, may already hold some of them; those are skipped, so no event is framed twice and every
 * decision made again is the one made before.
 *
 * <p>Nothing is written that Kafka could refuse: ids have length limits, and the camera's new state and
 * its classifications are encoded and measured against {@link RecordLimits} before the store or any
 * child sees them; a packet that would exceed them goes to the dead letters (kind {@code oversized}) and
 * the camera keeps its previous state. Dead-letter copies are cut to fit ({@link DeadLetterRecord}). An
 * input whose output the producer still refused ({@link UnwritableInputs}) goes to the dead letters when
 * it comes back.
 *
 * <p>Input values are raw bytes so that malformed records reach this processor (see {@code Topics}). It
 * forwards a {@code Classification} to the output child and the original {@code byte[]} to the
 * dead-letter child, hence the {@code Object} value type of what it forwards; each sink's serializer
 * comes from {@code Topics}.
 */
public final class ClassifierProcessor implements Processor<String, byte[], Object, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(ClassifierProcessor.class);

    private final String storeName;
    private final String outputChild;
    private final String deadLetterChild;
    private final Function<EpisodeRunner.LongSupplierNs, EpisodeRunner> runnerFactory;
    private final StreamMetrics metrics;
    private final Duration idleGrace;
    private final RecordLimits limits;
    private final UnwritableInputs unwritable;
    private final SequenceTracker sequences;

    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, byte[]> store;
    private EpisodeRunner runner;
    private SensorGeometry sensor;
    private int frameSize;
    private EventBuffer events;

    public ClassifierProcessor(String storeName, String outputChild, String deadLetterChild,
                               Function<EpisodeRunner.LongSupplierNs, EpisodeRunner> runnerFactory,
                               StreamMetrics metrics, Duration idleGrace) {
        this(storeName, outputChild, deadLetterChild, runnerFactory, metrics, idleGrace, RecordLimits.DEFAULT,
                new UnwritableInputs());
    }

    public ClassifierProcessor(String storeName, String outputChild, String deadLetterChild,
                               Function<EpisodeRunner.LongSupplierNs, EpisodeRunner> runnerFactory,
                               StreamMetrics metrics, Duration idleGrace, RecordLimits limits,
                               UnwritableInputs unwritable) {
        this.storeName = storeName;
        this.outputChild = outputChild;
        this.deadLetterChild = deadLetterChild;
        this.runnerFactory = runnerFactory;
        this.metrics = metrics;
        this.idleGrace = idleGrace;
        this.limits = limits;
        this.unwritable = unwritable;
        this.sequences = new SequenceTracker(metrics);
    }

    @Override
    public void init(ProcessorContext<Object, Object> ctx) {
        this.context = ctx;
        this.store = ctx.getStateStore(storeName);
        // a new runner per (re)initialisation: its network cache starts empty and is rebuilt from the store
        this.runner = runnerFactory.apply(() -> ctx.currentSystemTimeMs() * 1_000_000L);
        this.sensor = runner.framing().sensor();
        this.frameSize = runner.framing().frameSize();
        this.events = new EventBuffer(sensor, 1024);
        long interval = Math.max(10, Math.min(1000, idleGrace.toMillis() / 2));
        ctx.schedule(Duration.ofMillis(interval), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        long polledNs = PollStamp.take(record.headers());
        RecordMetadata source = context.recordMetadata().orElse(null);
        switch (unwritable.actionFor(source)) {
            case DEAD_LETTER -> {
                String why = unwritable.reason(source);
                deadLetter(record, DeadLetterKind.UNWRITABLE, why == null ? "a record produced from it was refused" : why);
                return;
            }
            case DROP -> {
                LOG.error("dropping input {}: neither its output nor its dead-letter copy could be written", where());
                metrics.droppedInput();
                return;
            }
            case PROCESS -> {
                // below
            }
        }
        byte[] value = record.value();
        if (record.key() != null && DeadLetterRecord.utf8Length(record.key()) > RecordLimits.MAX_CAMERA_ID_BYTES) {
            deadLetter(record, DeadLetterKind.OVERSIZED, "record key (camera id) of " + DeadLetterRecord.utf8Length(record.key())
                    + " bytes; the limit is " + RecordLimits.MAX_CAMERA_ID_BYTES);
            return;
        }
        if (value == null) {
            deadLetter(record, DeadLetterKind.UNPARSEABLE, "record value is null (tombstone); expected an EventPacket");
            return;
        }
        EventPacket packet;
        try {
            packet = PacketCodec.parse(value);
        } catch (PacketFormatException e) {
            deadLetter(record, DeadLetterKind.UNPARSEABLE, e.getMessage());
            return;
        }
        String oversized = oversizedId(packet);
        if (oversized != null) {
            deadLetter(record, DeadLetterKind.OVERSIZED, oversized);
            return;
        }
        String camera = record.key();
        if (camera == null || camera.isEmpty()) {
            camera = packet.getCameraId();
        } else if (!packet.getCameraId().isEmpty() && !packet.getCameraId().equals(camera)) {
            deadLetter(record, DeadLetterKind.CAMERA_MISMATCH, "camera_id \"" + packet.getCameraId() + "\" differs from the record key \"" + camera + "\"");
            return;
        }
        if (camera.isEmpty()) {
            deadLetter(record, DeadLetterKind.NO_CAMERA, "neither the record key nor camera_id names a camera");
            return;
        }
        try {
            SensorGeometry g = PacketCodec.geometryOf(packet);
            if (!g.equals(sensor)) {
                deadLetter(record, DeadLetterKind.WRONG_GEOMETRY, "geometry: " + g + " but the model frames a " + sensor + " sensor");
                return;
            }
            events.clear();
            PacketCodec.decodeInto(packet, events);
        } catch (PacketFormatException e) {
            deadLetter(record, DeadLetterKind.BAD_PACKET, e.getMessage());
            return;
        }
        int n = events.size();
        if (n > 0 && (events.t(0) < 0 || events.t(n - 1) > RecordLimits.MAX_EVENT_TIME_US)) {
            boolean negative = events.t(0) < 0;
            deadLetter(record, DeadLetterKind.BAD_TIMESTAMP, "packed_events: event " + (negative ? 0 : n - 1) + " at t="
                    + events.t(negative ? 0 : n - 1) + " us is outside 0.." + RecordLimits.MAX_EVENT_TIME_US
                    + " us (t_base_us " + packet.getTBaseUs() + ")");
            return;
        }
        CameraState state = load(camera, record);
        if (state == null) {
            return;
        }
        RecordMetadata where = context.recordMetadata().orElse(null);
        if (where != null && state.holds(where.partition(), where.offset())) {
            metrics.recordSkipped();
            return;
        }
        // after the skip: a record read again after a restart is not a repeated packet
        sequences.note(camera, packet.getSequence());
        ReplayMetadata info = PacketCodec.replayOf(packet);
        boolean newSample = info.replayed() && (info.start() || !info.sampleId().equals(state.sampleId()));
        if (state.phase() == CameraState.Phase.OPEN && !newSample && events.size() > 0 && events.t(0) < state.lastEventUs()) {
            deadLetter(record, DeadLetterKind.TIME_BACKWARDS, "packed_events: event 0 at t=" + events.t(0)
                    + " us is before the camera's previous event at t=" + state.lastEventUs() + " us (sequence " + packet.getSequence() + ")");
            return;
        }
        List<Decision> out = new ArrayList<>(1);
        long watermark = PacketCodec.watermarkOf(packet, PacketInfo.NO_WATERMARK);
        runner.onPacket(camera, state, events, new PacketInfo(info, watermark, record.timestamp(), polledNs), out::add);
        if (where != null) {
            state.noteInput(where.partition(), where.offset());
        }
        byte[] encoded = CameraStateCodec.encode(state);
        List<Classification> decided = new ArrayList<>(out.size());
        for (Decision d : out) {
            decided.add(ClassificationMapper.toProto(d));
        }
        String tooLarge = tooLarge(camera, state, encoded, out, decided);
        if (tooLarge != null) {
            // nothing of this packet is kept: the stored state stays as it was, and the cached network
            // state, which has moved on, is dropped so that it is rebuilt from the stored one
            runner.evict(camera);
            deadLetter(record, DeadLetterKind.OVERSIZED, tooLarge + " with the " + n + " events of this packet (sequence "
                    + packet.getSequence() + ")");
            return;
        }
        store.put(camera, encoded);
        for (int i = 0; i < decided.size(); i++) {
            context.forward(new Record<>(out.get(i).key(), decided.get(i), record.timestamp()), outputChild);
        }
    }

    /** Why an id of the packet is too long, or null. */
    private static String oversizedId(EventPacket packet) {
        int cameraBytes = DeadLetterRecord.utf8Length(packet.getCameraId());
        if (cameraBytes > RecordLimits.MAX_CAMERA_ID_BYTES) {
            return "camera_id of " + cameraBytes + " bytes; the limit is " + RecordLimits.MAX_CAMERA_ID_BYTES;
        }
        int sampleBytes = packet.hasReplay() ? DeadLetterRecord.utf8Length(packet.getReplay().getSampleId()) : 0;
        if (sampleBytes > RecordLimits.MAX_SAMPLE_ID_BYTES) {
            return "replay.sample_id of " + sampleBytes + " bytes; the limit is " + RecordLimits.MAX_SAMPLE_ID_BYTES;
        }
        return null;
    }

    /** Why the camera's new state or a classification would not fit in a Kafka record, or null. */
    private String tooLarge(String camera, CameraState state, byte[] encoded, List<Decision> out,
                            List<Classification> decided) {
        int key = DeadLetterRecord.utf8Length(camera);
        if (!limits.fits(key, encoded.length)) {
            return "the camera's stored state would take " + encoded.length + " bytes (" + state.frames().size()
                    + " frames, " + state.partial().size() + " events in the open frame), more than the "
                    + limits.maxValueBytes(key) + " that fit in a record (max.request.size " + limits.maxRecordBytes() + ")";
        }
        for (int i = 0; i < decided.size(); i++) {
            int decisionKey = DeadLetterRecord.utf8Length(out.get(i).key().toString());
            Classification c = decided.get(i);
            if (!limits.fits(decisionKey, c.getSerializedSize())) {
                return "its classification would take " + c.getSerializedSize() + " bytes, more than the "
                        + limits.maxValueBytes(decisionKey) + " that fit in a record (max.request.size " + limits.maxRecordBytes() + ")";
            }
        }
        return null;
    }

    private CameraState load(String camera, Record<String, byte[]> record) {
        byte[] stored = store.get(camera);
        if (stored == null) {
            return new CameraState(sensor);
        }
        try {
            return CameraStateCodec.decode(stored, sensor, frameSize);
        } catch (RuntimeException e) {
            // a state this build cannot read (another model or version): start the camera afresh
            LOG.error("camera {}: stored state unreadable ({}); starting a new episode", camera, e.getMessage());
            store.delete(camera);
            return new CameraState(sensor);
        }
    }

    private void punctuate(long nowMs) {
        long graceNs = idleGrace.toNanos();
        List<KeyValue<String, byte[]>> updates = new ArrayList<>();
        List<Decision> out = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                CameraState s;
                try {
                    s = CameraStateCodec.decode(kv.value, sensor, frameSize);
                } catch (RuntimeException e) {
                    continue; // handled (and reset) when the camera next sends a packet
                }
                if (runner.onIdle(kv.key, s, graceNs, out::add)) {
                    // closing the open frame only shrinks the state, and the camera id was checked on the
                    // way in, so what is written here fits
                    updates.add(KeyValue.pair(kv.key, CameraStateCodec.encode(s)));
                    for (Decision d : out) {
                        context.forward(new Record<>(d.key(), ClassificationMapper.toProto(d), nowMs), outputChild);
                    }
                    out.clear();
                }
            }
        }
        store.putAll(updates);
    }

    private void deadLetter(Record<String, byte[]> record, DeadLetterKind kind, String reason) {
        RecordMetadata m = context.recordMetadata().orElse(null);
        String topic = m == null ? "?" : m.topic();
        int partition = m == null ? -1 : m.partition();
        long offset = m == null ? -1 : m.offset();
        DeadLetterRecord copy = DeadLetterRecord.of(record.key(), record.value(), record.headers(), kind, reason, topic,
                partition, offset, limits.maxRecordBytes());
        LOG.warn("dead letter {}-{}@{} ({}): {}", topic, partition, offset, kind.wireName(),
                reason.length() > DeadLetterRecord.MAX_REASON_CHARS
                        ? reason.substring(0, DeadLetterRecord.MAX_REASON_CHARS) + "..." : reason);
        metrics.deadLetter(kind);
        context.forward(new Record<Object, Object>(copy.key(), copy.value(), record.timestamp(), copy.headers()),
                deadLetterChild);
    }

    private String where() {
        RecordMetadata m = context.recordMetadata().orElse(null);
        return m == null ? "?" : m.topic() + "-" + m.partition() + "@" + m.offset();
    }
}

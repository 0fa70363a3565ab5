package io.spikestream.events.io;

import com.google.flatbuffers.Table;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The few AEDAT 4.0 flatbuffer tables we read, written as flatc would generate them from DV's
 * schemas (IOHeader.fbs, events.fbs): {@code table IOHeader { compression: CompressionType = NONE;
 * dataTablePosition: int64 = -1; infoNode: string; }} and {@code struct Event { t: int64; x: int16;
 * y: int16; on: bool; }} (16 bytes with padding) in {@code table EventPacket { elements: [Event]; }}.
 * Offsets read from the file are untrusted: callers check {@link #vectorFits} and catch
 * {@link IndexOutOfBoundsException}.
 */
final class Aedat4Tables {
    private Aedat4Tables() {
    }

    /** CompressionType of IOHeader.fbs. */
    enum Compression {
        NONE, LZ4, LZ4_HIGH, ZSTD, ZSTD_HIGH
    }

    static final int EVENT_STRUCT_SIZE = 16;

    static final class IOHeader extends Table {
        static IOHeader root(ByteBuffer bb) {
            bb.order(ByteOrder.LITTLE_ENDIAN);
            IOHeader h = new IOHeader();
            h.__reset(bb.getInt(bb.position()) + bb.position(), bb);
            return h;
        }

        int compression() {
            int o = __offset(4);
            return o != 0 ? bb.getInt(o + bb_pos) : 0;
        }

        long dataTablePosition() {
            int o = __offset(6);
            return o != 0 ? bb.getLong(o + bb_pos) : -1L;
        }

        String infoNode() {
            int o = __offset(8);
            return o != 0 ? __string(o + bb_pos) : null;
        }
    }

    /** Any packet whose first field is its {@code elements} vector (EventPacket, IMUPacket, TriggerPacket). */
    static final class ElementsPacket extends Table {
        static ElementsPacket root(ByteBuffer bb) {
            bb.order(ByteOrder.LITTLE_ENDIAN);
            ElementsPacket p = new ElementsPacket();
            p.__reset(bb.getInt(bb.position()) + bb.position(), bb);
            return p;
        }

        int elementsLength() {
            int o = __offset(4);
            return o != 0 ? __vector_len(o) : 0;
        }

        /** Absolute buffer index of element 0 (structs are inline). */
        int elementsStart() {
            int o = __offset(4);
            return o != 0 ? __vector(o) : 0;
        }

        ByteBuffer buffer() {
            return bb;
        }
    }

    /** True when {@code length} elements of {@code size} bytes from {@code start} lie inside {@code bb}. */
    static boolean vectorFits(ByteBuffer bb, int start, int length, int size) {
        return start >= 0 && length >= 0 && (long) start + (long) length * size <= bb.limit();
    }
}

package io.spikestream.events.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.events.EventBatch;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Self-made files for the branches real recordings rarely reach. */
class FormatEdgeCaseTest {
    @TempDir
    Path dir;

    static final class Read {
        final EventBatch events;
        final long special;
        final long regressions;
        final RecordingFormat format;

        Read(Path f) {
            try (RecordingReader r = Recordings.open(f)) {
                EventBuffer b = new EventBuffer(r.geometry());
                while (r.read(b, 7) > 0) {
                    // small requests exercise the resumption paths
                }
                events = b.toBatch();
                special = r.specialEvents();
                regressions = r.timestampRegressions();
                format = r.format();
            }
        }
    }

    // ---- AEDAT 2.0 / 1.0

    @Test
    void aedat2SpecialEventsAreCountedNotEmitted() {
        TestFiles.Bytes b = TestFiles.be().text("#!AER-DAT2.0\r\n# AEChip: ch.unizh.ini.jaer.chip.retina.DVS128\r\n");
        b.i32(0x8000).i32(5);         // bit 15: special
        b.i32(0x80000000L).i32(6);    // bit 31: special
        b.i32((127 - 10) << 1 | 20 << 8).i32(7); // x 10, y 20, ON
        b.i32((127 - 0) << 1 | 1).i32(8);        // x 0, y 0, OFF
        Read r = new Read(b.write(dir.resolve("s.aedat")));
        assertThat(r.special).isEqualTo(2);
        assertThat(r.events.size()).isEqualTo(2);
        assertThat(r.events.x(0)).isEqualTo(10);
        assertThat(r.events.y(0)).isEqualTo(20);
        assertThat(r.events.on(0)).isTrue();
        assertThat(r.events.on(1)).isFalse();
        assertThat(r.events.t(1)).isEqualTo(8);
    }

    @Test
    void davisHeaderEndsEvenWhenTheFirstDataByteIsHash() {
        // DAVIS346: y in bits 22..30, so y = 140 puts 0x23 ('#') in the address's first byte
        int y = 0x23 << 24 >>> 22;
        assertThat(y).isEqualTo(140);
        for (boolean endLine : new boolean[] {true, false}) {
            TestFiles.Bytes b = TestFiles.be().text("#!AER-DAT2.0\r\n# AEChip: eu.seebetter.ini.chips.davis.Davis346red\r\n"
                    + (endLine ? "#!END-HEADER\r\n" : ""));
            int x = 100;
            int addr = (y << 22) | ((345 - x) << 12) | 0x800; // ON
            b.i32(addr).i32(0x0A0A0A0A); // timestamp bytes are '\n'
            b.i32(0x80000000L).i32(0x0A0A0A0B); // APS sample: special
            b.i32(1 << 10).i32(0x0A0A0A0C);     // external input: special
            b.i32((5 << 22) | ((345 - 7) << 12)).i32(0x0A0A0A0D); // OFF at (7, 5)
            Read r = new Read(b.write(dir.resolve("d" + endLine + ".aedat")));
            assertThat(r.events.geometry()).isEqualTo(new SensorGeometry(346, 260));
            assertThat(r.events.size()).as("END-HEADER " + endLine).isEqualTo(2);
            assertThat(r.events.x(0)).isEqualTo(100);
            assertThat(r.events.y(0)).isEqualTo(140);
            assertThat(r.events.on(0)).isTrue();
            assertThat(r.events.x(1)).isEqualTo(7);
            assertThat(r.events.on(1)).isFalse();
            assertThat(r.special).isEqualTo(2);
        }
    }

    @Test
    void davisAddressOutsideTheArrayIsAnError() {
        TestFiles.Bytes b = TestFiles.be().text("#!AER-DAT2.0\r\n# AEChip: Davis240C\r\n#!END-HEADER\r\n");
        b.i32(200 << 22).i32(1); // y 200 >= 180
        Path f = b.write(dir.resolve("bad.aedat"));
        assertThatThrownBy(() -> new Read(f)).isInstanceOf(RecordingFormatException.class)
                .hasMessageContaining("outside the DAVIS240").hasMessageContaining("at byte " + (b.size() - 8));
        TestFiles.Bytes c = TestFiles.be().text("#!AER-DAT2.0\r\n# AEChip: eu.seebetter.ini.chips.davis.Davis640\r\n");
        Path g = c.write(dir.resolve("chip.aedat"));
        assertThatThrownBy(() -> Recordings.open(g)).isInstanceOf(RecordingFormatException.class).hasMessageContaining("Davis640");
    }

    @Test
    void aedat1SixByteEvents() {
        TestFiles.Bytes b = TestFiles.be().text("# jAER recording without a version line\r\n");
        b.i16((127 - 3) << 1 | 4 << 8).i32(100);
        b.i16(0x8000).i32(101);
        b.i16((127 - 127) << 1 | 127 << 8 | 1).i32(102);
        Path f = b.write(dir.resolve("old.aedat"));
        assertThat(Recordings.detect(f)).isEqualTo(RecordingFormat.AEDAT1);
        Read r = new Read(f);
        assertThat(r.events.size()).isEqualTo(2);
        assertThat(r.events.x(0)).isEqualTo(3);
        assertThat(r.events.y(1)).isEqualTo(127);
        assertThat(r.special).isEqualTo(1);
    }

    @Test
    void headerOnlyFilesHaveNoEventsButEmptyOrCutOnesAreRefused() {
        Path h = TestFiles.be().text("#!AER-DAT2.0\r\n# no events\r\n").write(dir.resolve("h.aedat"));
        assertThat(new Read(h).events.size()).isZero();
        Path cut = TestFiles.be().text("#!AER-DAT2.0\r\n# no ev").write(dir.resolve("cut.aedat"));
        assertThatThrownBy(() -> new Read(cut)).isInstanceOf(RecordingFormatException.class)
                .hasMessageContaining("at byte 14").hasMessageContaining("file ends inside a header line");
        for (String name : List.of("e.aedat", "e.bin", "e.raw", "e.dat", "e.aedat4")) {
            Path e = TestFiles.be().write(dir.resolve(name));
            assertThatThrownBy(() -> new Read(e)).as(name).isInstanceOf(RecordingFormatException.class)
                    .hasMessageContaining(name + " at byte 0: empty file");
        }
        Path d = TestFiles.le().text("% Data file containing CD events.\n% Version 2\n").write(dir.resolve("h.dat"));
        assertThat(new Read(d).events.size()).isZero();
        Path r2 = TestFiles.evt2Header().write(dir.resolve("h.raw"));
        assertThat(new Read(r2).events.geometry()).isEqualTo(new SensorGeometry(640, 480));
    }

    // ---- AEDAT 3.1

    @Test
    void aedat3PolaritySpecialSkippedAndOverflow() {
        TestFiles.Bytes b = TestFiles.aedat3Header("DAVIS346B");
        TestFiles.aedat3Packet(b, 1, 0, 3, 2, 1);           // capacity 3, 2 used, one invalid
        TestFiles.aedat3Polarity(b, 345, 259, true, true, 100);
        TestFiles.aedat3Polarity(b, 1, 1, false, false, 101); // invalidated
        b.i32(0).i32(0);                                        // unused slot
        TestFiles.Bytes frame = TestFiles.le();
        b.i16(2).i16(1).i32(40).i32(36).i32(0).i32(2).i32(2).i32(2); // frame packet: skipped
        b.raw(new byte[80]);
        TestFiles.aedat3Packet(b, 0, 0, 1, 1, 1);               // one special event
        b.i32(1 | (5 << 1)).i32(150);
        TestFiles.aedat3Packet(b, 1, 2, 1, 1, 1);               // overflow 2: t = 2 << 31 | ts
        TestFiles.aedat3Polarity(b, 0, 0, false, true, 7);
        Read r = new Read(b.write(dir.resolve("a.aedat")));
        assertThat(frame.size()).isZero();
        assertThat(r.format).isEqualTo(RecordingFormat.AEDAT3);
        assertThat(r.events.geometry()).isEqualTo(new SensorGeometry(346, 260));
        assertThat(r.events.size()).isEqualTo(2);
        assertThat(r.events.x(0)).isEqualTo(345);
        assertThat(r.events.y(0)).isEqualTo(259);
        assertThat(r.events.on(0)).isTrue();
        assertThat(r.events.t(1)).isEqualTo((2L << 31) | 7);
        assertThat(r.special).isEqualTo(1);
    }

    @Test
    void aedat3AbsurdPacketSizesAreRefusedWithoutAllocating() {
        TestFiles.Bytes b = TestFiles.aedat3Header("DVS128");
        b.i16(2).i16(1).i32(1 << 20).i32(0).i32(0).i32(Integer.MAX_VALUE).i32(0).i32(0);
        Path f = b.write(dir.resolve("huge.aedat"));
        assertThatThrownBy(() -> new Read(f)).isInstanceOf(RecordingFormatException.class)
                .hasMessageContaining("runs past the end");
        TestFiles.Bytes c = TestFiles.aedat3Header("DVS128");
        c.i16(1).i16(1).i32(-8).i32(4).i32(0).i32(1).i32(1).i32(1);
        Path g = c.write(dir.resolve("neg.aedat"));
        assertThatThrownBy(() -> new Read(g)).isInstanceOf(RecordingFormatException.class).hasMessageContaining("event size -8");
        TestFiles.Bytes d = TestFiles.aedat3Header("DVS128");
        TestFiles.aedat3Packet(d, 1, 0, 5, 7, 1);
        Path h = d.write(dir.resolve("counts.aedat"));
        assertThatThrownBy(() -> new Read(h)).hasMessageContaining("inconsistent packet counts");
    }

    @Test
    void aedat3UnknownCameraGetsGeometryFromAScan() {
        TestFiles.Bytes b = TestFiles.aedat3Header("SomeFutureCamera");
        TestFiles.aedat3Packet(b, 1, 0, 2, 2, 2);
        TestFiles.aedat3Polarity(b, 399, 10, true, true, 1);
        TestFiles.aedat3Polarity(b, 3, 299, true, true, 2);
        Read r = new Read(b.write(dir.resolve("u.aedat")));
        assertThat(r.events.geometry()).isEqualTo(new SensorGeometry(400, 300));
    }

    // ---- AEDAT 4.0

    @Test
    void aedat4AllCompressionsDecodeTheSameEvents() {
        long[][] ev = {{1_000_000_000_000L, 0, 0, 1}, {1_000_000_000_005L, 319, 239, 0}, {1_000_000_000_007L, 5, 6, 1}};
        for (int comp = 0; comp <= 4; comp++) {
            TestFiles.Bytes b = TestFiles.aedat4Header(comp, TestFiles.aedat4Xml(320, 240, "IMUS", "FRME", "TRIG"));
            TestFiles.aedat4Packet(b, 0, TestFiles.compress(comp, TestFiles.evtsPacket(ev)));
            TestFiles.aedat4Packet(b, 1, TestFiles.compress(comp, TestFiles.elementsPacket("IMUS", 4)));
            TestFiles.aedat4Packet(b, 2, new byte[] {1, 2, 3}); // frames are skipped undecoded
            TestFiles.aedat4Packet(b, 3, TestFiles.compress(comp, TestFiles.elementsPacket("TRIG", 2)));
            TestFiles.aedat4Packet(b, 0, TestFiles.compress(comp, TestFiles.evtsPacket(new long[0][])));
            TestFiles.aedat4Packet(b, 0, TestFiles.compress(comp, TestFiles.evtsPacket(new long[][] {{1_000_000_000_001L, 9, 9, 0}})));
            Read r = new Read(b.write(dir.resolve("c" + comp + ".aedat4")));
            assertThat(r.format).isEqualTo(RecordingFormat.AEDAT4);
            assertThat(r.events.geometry()).isEqualTo(new SensorGeometry(320, 240));
            assertThat(r.events.size()).as("compression " + comp).isEqualTo(4);
            assertThat(r.events.x(1)).isEqualTo(319);
            assertThat(r.events.on(1)).isFalse();
            assertThat(r.events.t(2)).isEqualTo(1_000_000_000_007L);
            assertThat(r.special).isEqualTo(6);
            assertThat(r.regressions).isEqualTo(1);
        }
    }

    @Test
    void aedat4DecompressionBombIsRefused() {
        byte[] bomb = new byte[4 << 20]; // zeros compress to a few hundred bytes
        for (int comp : new int[] {1, 3}) {
            TestFiles.Bytes b = TestFiles.aedat4Header(comp, TestFiles.aedat4Xml(32, 32));
            byte[] c = TestFiles.compress(comp, bomb);
            assertThat(c.length).isLessThan(100_000);
            TestFiles.aedat4Packet(b, 0, c);
            Path f = b.write(dir.resolve("bomb" + comp + ".aedat4"));
            ReadOptions opt = ReadOptions.DEFAULT.withMaxDecompressedPacketBytes(1 << 20);
            assertThatThrownBy(() -> {
                try (RecordingReader r = Recordings.open(f, RecordingFormat.AEDAT4, opt)) {
                    RecordingStats.of(r);
                }
            }).isInstanceOf(RecordingFormatException.class).hasMessageContaining("more than 1048576 bytes");
        }
    }

    @Test
    void aedat4AbsurdSizesAndForeignStreams() {
        TestFiles.Bytes b = TestFiles.le().text("#!AER-DAT4.0\r\n").i32(Integer.MAX_VALUE).raw(new byte[64]);
        Path f = b.write(dir.resolve("hdr.aedat4"));
        assertThatThrownBy(() -> Recordings.open(f)).isInstanceOf(RecordingFormatException.class)
                .hasMessageContaining("IOHeader size");
        TestFiles.Bytes c = TestFiles.aedat4Header(0, TestFiles.aedat4Xml(32, 32));
        c.i32(0).i32(Integer.MAX_VALUE);
        Path g = c.write(dir.resolve("pkt.aedat4"));
        assertThatThrownBy(() -> new Read(g)).isInstanceOf(RecordingFormatException.class).hasMessageContaining("packet size");
        TestFiles.Bytes d = TestFiles.aedat4Header(0, TestFiles.aedat4Xml(32, 32));
        TestFiles.aedat4Packet(d, 9, new byte[4]);
        Path h = d.write(dir.resolve("stream.aedat4"));
        assertThatThrownBy(() -> new Read(h)).hasMessageContaining("stream 9");
        TestFiles.Bytes e = TestFiles.aedat4Header(0, TestFiles.aedat4Xml(32, 32));
        TestFiles.aedat4Packet(e, 0, TestFiles.evtsPacket(new long[][] {{5, 40, 1, 1}}));
        Path i = e.write(dir.resolve("geom.aedat4"));
        assertThatThrownBy(() -> new Read(i)).hasMessageContaining("outside the 32x32 sensor");
        Path j = TestFiles.aedat4Header(0, "<dv><node name=\"x\"></dv>").write(dir.resolve("xml.aedat4"));
        assertThatThrownBy(() -> Recordings.open(j)).isInstanceOf(RecordingFormatException.class).hasMessageContaining("XML");
    }

    @Test
    void lz4LinkedBlocksMayReferToThePreviousBlock() {
        for (boolean independent : new boolean[] {false, true}) {
            int flg = 0x40 | (independent ? 0x20 : 0);
            int bd = 0x40;
            byte hc = (byte) (net.jpountz.xxhash.XXHashFactory.fastestJavaInstance().hash32()
                    .hash(new byte[] {(byte) flg, (byte) bd}, 0, 2, 0) >>> 8);
            TestFiles.Bytes b = TestFiles.le().i32(0x184D2204).i8(flg).i8(bd).i8(hc);
            b.i32(9).i8(0x80).text("ABCDEFGH");           // block 1: 8 literals
            b.i32(5).i8(0x04).i16(8).i8(0x10).text("Z");  // block 2: copy 8 bytes from 8 back, then 'Z'
            b.i32(0);
            if (independent) {
                assertThatThrownBy(() -> Lz4Frame.decompress(b.bytes(), 1024)).hasMessageContaining("before the window");
            } else {
                Lz4Frame.Output o = Lz4Frame.decompress(b.bytes(), 1024);
                assertThat(new String(o.data(), 0, o.length(), java.nio.charset.StandardCharsets.US_ASCII))
                        .isEqualTo("ABCDEFGHABCDEFGHZ");
            }
        }
    }

    // ---- Prophesee

    @Test
    void evt2TimeHighTriggersAndWrap() {
        TestFiles.Bytes b = TestFiles.evt2Header();
        b.i32(TestFiles.evt2Cd(true, 3, 10, 20));            // before any TIME_HIGH: high 0
        b.i32(TestFiles.evt2High(5));
        b.i32(TestFiles.evt2Cd(false, 7, 639, 479));         // t = 5 << 6 | 7
        b.i32(0xA0000000);                                    // trigger
        b.i32(0xE0000000);                                    // others
        b.i32(0xF0000000);                                    // continued
        b.i32(TestFiles.evt2High((1 << 28) - 1));
        b.i32(TestFiles.evt2High(2));                         // wrapped
        b.i32(TestFiles.evt2Cd(true, 0, 1, 1));
        Read r = new Read(b.write(dir.resolve("e.raw")));
        assertThat(r.format).isEqualTo(RecordingFormat.EVT2);
        assertThat(r.events.size()).isEqualTo(3);
        assertThat(r.events.t(0)).isEqualTo(3);
        assertThat(r.events.t(1)).isEqualTo((5 << 6) | 7);
        assertThat(r.events.x(1)).isEqualTo(639);
        assertThat(r.events.on(1)).isFalse();
        assertThat(r.events.t(2)).isEqualTo(((1L << 28) + 2) << 6);
        assertThat(r.special).isEqualTo(2);
    }

    @Test
    void evt2OutsideGeometryAndTruncatedWord() {
        TestFiles.Bytes b = TestFiles.evt2Header();
        b.i32(TestFiles.evt2Cd(true, 0, 640, 0));
        Path f = b.write(dir.resolve("g.raw"));
        assertThatThrownBy(() -> new Read(f)).isInstanceOf(RecordingFormatException.class)
                .hasMessageContaining("(640, 0) outside the 640x480");
        TestFiles.Bytes c = TestFiles.evt2Header();
        c.i32(TestFiles.evt2Cd(true, 0, 1, 0)).i16(7);
        Path g = c.write(dir.resolve("t.raw"));
        assertThatThrownBy(() -> new Read(g)).hasMessageContaining("inside a 4-byte EVT 2.0 word")
                .hasMessageContaining("at byte " + (c.size() - 2));
    }

    @Test
    void evt3VectorsTimeAndWrap() {
        TestFiles.Bytes b = TestFiles.evt3Header();
        b.i16(0x8000 | 1).i16(0x6000 | 2);   // time high 1, low 2: t = 4098
        b.i16(0x0000 | 719);                 // y 719
        b.i16(0x2000 | 0x800 | 1279);        // ON at x 1279
        b.i16(0x3000 | 100);                 // vector base 100, OFF
        b.i16(0x4000 | 0b1000_0000_0101);    // x 100, 102, 111
        b.i16(0x5000 | 0b1000_0001);         // x 112, 119
        b.i16(0xA000).i16(0xC000).i16(0x7000).i16(0xF000); // trigger, others, continued x2
        b.i16(0x8000 | 4095).i16(0x8000 | 3); // wrap of the 24-bit time
        b.i16(0x2000 | 5);
        Read r = new Read(b.write(dir.resolve("v.raw")));
        assertThat(r.format).isEqualTo(RecordingFormat.EVT3);
        assertThat(r.events.size()).isEqualTo(7);
        assertThat(r.events.x(0)).isEqualTo(1279);
        assertThat(r.events.y(0)).isEqualTo(719);
        assertThat(r.events.t(0)).isEqualTo(4098);
        assertThat(new int[] {r.events.x(1), r.events.x(2), r.events.x(3), r.events.x(4), r.events.x(5)})
                .containsExactly(100, 102, 111, 112, 119);
        assertThat(r.events.on(3)).isFalse();
        assertThat(r.events.t(6)).isEqualTo(((4096L + 3) << 12) | 2);
        assertThat(r.special).isEqualTo(2);
    }

    @Test
    void datEventsGeometryAndBadType() {
        TestFiles.Bytes b = TestFiles.datHeader(640, 480);
        TestFiles.datEvent(b, 10, 639, 479, true);
        TestFiles.datEvent(b, 5, 0, 0, false); // backwards: kept and counted
        Read r = new Read(b.write(dir.resolve("a.dat")));
        assertThat(r.events.geometry()).isEqualTo(new SensorGeometry(640, 480));
        assertThat(r.events.size()).isEqualTo(2);
        assertThat(r.events.on(0)).isTrue();
        assertThat(r.regressions).isEqualTo(1);
        Path bad = TestFiles.le().text("% Data file containing boxes.\n% Version 2\n").i8(7).i8(8).write(dir.resolve("b.dat"));
        assertThatThrownBy(() -> Recordings.open(bad)).isInstanceOf(RecordingFormatException.class).hasMessageContaining("type 7");
        TestFiles.Bytes c = TestFiles.datHeader(32, 32);
        TestFiles.datEvent(c, 1, 1, 1, true);
        c.i32(2).i16(1);
        Path t = c.write(dir.resolve("t.dat"));
        assertThatThrownBy(() -> new Read(t)).hasMessageContaining("inside an event").hasMessageContaining("at byte " + (c.size() - 6));
    }

    // ---- N-MNIST

    @Test
    void nmnistOverflowMarkerAndTruncation() {
        TestFiles.Bytes b = TestFiles.be();
        b.i8(3).i8(4).i8(0x80 | 0x7F).i8(0xFF).i8(0xFF);  // ON, t = 2^23 - 1
        b.i8(0).i8(240).i8(0).i8(0).i8(0);                // overflow: +8192 from here on
        b.i8(5).i8(6).i8(0).i8(0).i8(1);                  // OFF, t = 1 + 8192
        Path f = b.write(dir.resolve("o.bin"));
        Read r = new Read(f);
        assertThat(r.events.size()).isEqualTo(2);
        assertThat(r.events.t(0)).isEqualTo((1 << 23) - 1);
        assertThat(r.events.t(1)).isEqualTo(8193);
        assertThat(r.special).isEqualTo(1);
        assertThat(r.regressions).isEqualTo(1);
        Path t = b.i8(1).i8(2).write(dir.resolve("t.bin"));
        assertThatThrownBy(() -> new Read(t)).isInstanceOf(RecordingFormatException.class)
                .hasMessageContaining("at byte 15").hasMessageContaining("2 of 5 bytes");
    }

    // ---- detection and wrong formats

    @Test
    void detectionByMagicThenExtension() {
        assertThat(Recordings.detect(TestFiles.le().text("#!AER-DAT3.1\r\n").write(dir.resolve("x.bin")))).isEqualTo(RecordingFormat.AEDAT3);
        assertThat(Recordings.detect(TestFiles.le().text("% format EVT3;width=4;height=4\n").write(dir.resolve("x.dat"))))
                .isEqualTo(RecordingFormat.EVT3);
        Path noFormat = TestFiles.le().text("% Date x\n").write(dir.resolve("y.raw"));
        assertThatThrownBy(() -> Recordings.detect(noFormat)).isInstanceOf(RecordingFormatException.class)
                .hasMessageContaining("names no event format");
        assertThat(Recordings.detect(TestFiles.le().i32(0x80000001).write(dir.resolve("headerless.raw"))))
                .isEqualTo(RecordingFormat.EVT2);
        assertThat(Recordings.detect(TestFiles.le().i32(1).write(dir.resolve("z.aedat4")))).isEqualTo(RecordingFormat.AEDAT4);
        Path unknown = TestFiles.le().i32(1).write(dir.resolve("z.xyz"));
        assertThatThrownBy(() -> Recordings.detect(unknown)).isInstanceOf(RecordingFormatException.class)
                .hasMessageContaining("cannot tell");
    }

    @Test
    void wrongMagicForAnExplicitFormat() {
        Path a3 = TestFiles.le().text("#!AER-DAT3.1\r\n#!END-HEADER\r\n").write(dir.resolve("a.aedat"));
        assertThatThrownBy(() -> Recordings.open(a3, RecordingFormat.AEDAT2)).isInstanceOf(RecordingFormatException.class)
                .hasMessageContaining("not AEDAT 2.0");
        assertThatThrownBy(() -> Recordings.open(a3, RecordingFormat.AEDAT4)).isInstanceOf(RecordingFormatException.class)
                .hasMessageContaining("not an AEDAT 4.0 file");
        Path a2 = TestFiles.le().text("#!AER-DAT2.0\r\n").write(dir.resolve("b.aedat"));
        assertThatThrownBy(() -> Recordings.open(a2, RecordingFormat.AEDAT3)).isInstanceOf(RecordingFormatException.class)
                .hasMessageContaining("not an AEDAT 3 file");
    }

    @Test
    void garbageHeaderLinesEndTheHeaderInsteadOfSwallowingData() {
        // a '#' line with binary bytes is data, not header: it decodes as events (address 0x23…)
        TestFiles.Bytes b = TestFiles.be().text("#!AER-DAT2.0\r\n").i8('#').i8(0).i8(0).i8(0).i32(1).i32(0).i32(2);
        Read r = new Read(b.write(dir.resolve("g.aedat")));
        assertThat(r.events.size() + r.special).isEqualTo(2);
        // an endless '#' line without a newline is refused, not buffered without bound
        TestFiles.Bytes c = TestFiles.be().text("#!AER-DAT2.0\r\n#" + "x".repeat(HeaderLines.MAX_LINE + 10));
        Path f = c.write(dir.resolve("long.aedat"));
        assertThatThrownBy(() -> new Read(f)).isInstanceOf(RecordingFormatException.class);
    }

    @Test
    void headerOnlyFilesOfTheOtherFormats() {
        Path a3 = TestFiles.aedat3Header("DVS128").write(dir.resolve("h3.aedat"));
        Read r3 = new Read(a3);
        assertThat(r3.format).isEqualTo(RecordingFormat.AEDAT3);
        assertThat(r3.events.size()).isZero();
        assertThat(r3.events.geometry()).isEqualTo(SensorGeometry.DVS128);
        Path a4 = TestFiles.aedat4Header(1, TestFiles.aedat4Xml(640, 480)).write(dir.resolve("h.aedat4"));
        Read r4 = new Read(a4);
        assertThat(r4.events.size()).isZero();
        assertThat(r4.events.geometry()).isEqualTo(new SensorGeometry(640, 480));
        // EVT 3.0 header without "% end" and without a geometry: no events, so no geometry either
        Path e3 = TestFiles.le().text("% evt 3.0\n% serial_number 1\n").write(dir.resolve("h3.raw"));
        assertThatThrownBy(() -> new Read(e3)).isInstanceOf(RecordingFormatException.class)
                .hasMessageContaining("holds no events, and its header names no sensor geometry (evt3)");
    }

    @Test
    void datAndAedat2TimestampCountersWrap() {
        TestFiles.Bytes b = TestFiles.datHeader(16, 16);
        TestFiles.datEvent(b, 0xFFFF_FFF0L, 1, 1, true);
        TestFiles.datEvent(b, 0x10, 2, 2, false); // counter wrapped: 2^32 + 16
        TestFiles.datEvent(b, 0x08, 3, 3, true);  // small step back: kept as is and counted
        Read r = new Read(b.write(dir.resolve("w.dat")));
        assertThat(r.events.t(1)).isEqualTo((1L << 32) + 0x10);
        assertThat(r.events.t(2)).isEqualTo((1L << 32) + 0x08);
        assertThat(r.regressions).isEqualTo(1);
        TestFiles.Bytes a = TestFiles.be().text("#!AER-DAT2.0\r\n");
        a.i32(2).i32(0xFFFF_FF00L).i32(4).i32(0x100);
        Read ra = new Read(a.write(dir.resolve("w.aedat")));
        assertThat(ra.events.t(1)).isEqualTo((1L << 32) + 0x100);
        assertThat(ra.regressions).isZero();
    }

    @Test
    void evtGeometryFromHeaderVariants() {
        Path a = TestFiles.le().text("% evt 2.0\n% Width 304\n% Height 240\n").write(dir.resolve("a.raw"));
        assertThat(new Read(a).events.geometry()).isEqualTo(new SensorGeometry(304, 240));
        Path b = TestFiles.le().text("% format EVT3;height=320;width=320\n% end\n").write(dir.resolve("b.raw"));
        assertThat(new Read(b).events.geometry()).isEqualTo(new SensorGeometry(320, 320));
        Path c = TestFiles.le().text("% evt 2.0\n% plugin_name hal_plugin_imx636_evk4\n").write(dir.resolve("c.raw"));
        assertThat(new Read(c).events.geometry()).isEqualTo(new SensorGeometry(1280, 720));
        // an absurd geometry is ignored, not allocated: the events decide
        TestFiles.Bytes d = TestFiles.le().text("% evt 2.0\n% geometry 99999999x99999999\n");
        d.i32(TestFiles.evt2Cd(true, 0, 9, 4));
        assertThat(new Read(d.write(dir.resolve("d.raw"))).events.geometry()).isEqualTo(new SensorGeometry(10, 5));
    }
}

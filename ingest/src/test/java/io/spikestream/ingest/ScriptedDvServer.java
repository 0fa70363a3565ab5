package io.spikestream.ingest;

import io.spikestream.events.EventBatch;
import io.spikestream.events.io.Aedat4Writer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A DV TCP server that misbehaves on cue: connection i sends the IOHeader and the packets up to
 * {@code cuts[i]} (exclusive), then, when {@code halfPacket}, the first half of the next packet, and
 * closes. The next connection starts again with the header and the first packet not sent whole.
 * After the last cut it sends the rest and, unless {@code extra} bytes follow, closes.
 */
final class ScriptedDvServer implements AutoCloseable {
    private final ServerSocket server;
    private final byte[] header;
    private final List<byte[]> packets = new ArrayList<>();
    private final Thread thread;

    ScriptedDvServer(EventBatch events, int perPacket, int[] cuts, boolean halfPacket, byte[] extra, boolean holdOpen) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        Aedat4Writer w = Aedat4Writer.open(bos, Aedat4Writer.Target.NETWORK, events.geometry(), Aedat4Writer.Compression.LZ4, "scripted");
        w.flush();
        header = bos.toByteArray();
        for (int i = 0; i < events.size(); i += perPacket) {
            bos.reset();
            w.writeEvents(events, i, Math.min(events.size(), i + perPacket));
            w.flush();
            packets.add(bos.toByteArray());
        }
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> serve(cuts, halfPacket, extra, holdOpen), "scripted-dv-server");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Bytes of the IOHeader plus the first {@code n} packets: the stream offset after them. */
    long offsetAfter(int n) {
        long b = header.length;
        for (int i = 0; i < n; i++) {
            b += packets.get(i).length;
        }
        return b;
    }

    private void serve(int[] cuts, boolean halfPacket, byte[] extra, boolean holdOpen) {
        int next = 0;
        try {
            for (int c = 0; c <= cuts.length; c++) {
                int until = c < cuts.length ? cuts[c] : packets.size();
                try (Socket s = server.accept()) {
                    OutputStream os = s.getOutputStream();
                    os.write(header);
                    for (; next < until; next++) {
                        os.write(packets.get(next));
                    }
                    if (c < cuts.length && halfPacket && next < packets.size()) {
                        byte[] p = packets.get(next);
                        os.write(Arrays.copyOf(p, p.length / 2));
                    }
                    if (c == cuts.length && extra != null) {
                        os.write(extra);
                    }
                    os.flush();
                    if (c == cuts.length && holdOpen) {
                        Thread.sleep(Long.MAX_VALUE);
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            // closed by the test
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        thread.interrupt();
    }
}

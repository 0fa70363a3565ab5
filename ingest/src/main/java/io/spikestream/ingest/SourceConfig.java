package io.spikestream.ingest;

import io.spikestream.events.SensorGeometry;
import io.spikestream.events.io.LiveReader;
import io.spikestream.events.io.RecordingFormat;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One source of an ingest: where from, the camera id its packets carry (and are keyed by), the sensor
 * geometry when the stream does not say it, and the overflow policy.
 *
 * @param geometry null: from the stream's header (DV, EVT, AEDAT) or the jAER chip
 */
public record SourceConfig(SourceSpec spec, String camera, SensorGeometry geometry, Overflow overflow) {

    public SourceConfig {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(camera, "camera");
        Objects.requireNonNull(overflow, "overflow");
        if (camera.isBlank()) {
            throw new IllegalArgumentException(spec.uri() + ": the camera id is empty");
        }
    }

    /** Defaults that a source's own query parameters override. */
    public record Defaults(String camera, SensorGeometry geometry, RecordingFormat format, boolean follow, Overflow overflow) {
        public static final Defaults NONE = new Defaults(null, null, null, false, null);
    }

    /**
     * Parses {@code dv-tcp://HOST:PORT}, {@code udp://HOST:PORT?format=aestream|jaer[&chip=dvs128|davis240|davis346]},
     * {@code file:PATH} or {@code -} (standard input); any of them may carry {@code camera=}, {@code geometry=WxH},
     * {@code overflow=block|drop-oldest} and (streams) {@code format=} and {@code follow=true} as query parameters.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static SourceConfig parse(String text, Defaults d) {
        String s = text.trim();
        String query = "";
        int q = s.lastIndexOf('?');
        if (q >= 0 && s.indexOf('=', q) > 0) {
            query = s.substring(q + 1);
            s = s.substring(0, q);
        }
        Map<String, String> params = params(query, text);
        String formatParam = params.remove("format");
        SourceSpec spec;
        if (s.startsWith("dv-tcp://")) {
            HostPort hp = hostPort(s.substring("dv-tcp://".length()), text);
            spec = new SourceSpec.DvTcp(hp.host, hp.port);
            if (formatParam != null) {
                throw new IllegalArgumentException(text + ": a dv-tcp source is always AEDAT 4 (no format=)");
            }
        } else if (s.startsWith("udp://")) {
            HostPort hp = hostPort(s.substring("udp://".length()), text);
            if (formatParam == null) {
                throw new IllegalArgumentException(text + ": say the datagram format, ?format=aestream or ?format=jaer");
            }
            SourceSpec.UdpFormat f = switch (formatParam.toLowerCase(Locale.ROOT)) {
                case "aestream" -> SourceSpec.UdpFormat.AESTREAM;
                case "jaer" -> SourceSpec.UdpFormat.JAER;
                default -> throw new IllegalArgumentException(text + ": UDP format '" + formatParam + "' (known: aestream, jaer)");
            };
            String chip = params.remove("chip");
            LiveReader.AddressLayout layout = chip == null ? LiveReader.AddressLayout.DVS128 : layout(chip, text);
            spec = new SourceSpec.Udp(hp.host, hp.port, f, layout);
        } else if (s.equals("-") || s.startsWith("file:")) {
            Path path = s.equals("-") ? null : Path.of(s.substring("file:".length()));
            RecordingFormat format = formatParam != null ? format(formatParam, text) : d.format();
            if (path == null && format == null) {
                throw new IllegalArgumentException(text + ": standard input needs --format (evt2, evt3, aedat2 or aedat4)");
            }
            String follow = params.remove("follow");
            boolean f = follow == null ? d.follow() : Boolean.parseBoolean(follow);
            if (path == null && f) {
                throw new IllegalArgumentException(text + ": --follow applies to files, not standard input");
            }
            spec = new SourceSpec.ByteStream(path, format, f);
        } else {
            throw new IllegalArgumentException("source '" + text + "': expected dv-tcp://HOST:PORT,"
                    + " udp://HOST:PORT?format=aestream|jaer, file:PATH or - (standard input)");
        }
        String camera = params.remove("camera");
        String geometry = params.remove("geometry");
        String overflow = params.remove("overflow");
        if (!params.isEmpty()) {
            throw new IllegalArgumentException(text + ": unknown parameter(s) " + params.keySet()
                    + " (known: camera, geometry, overflow, format, chip, follow)");
        }
        SensorGeometry g = geometry != null ? geometry(geometry) : d.geometry();
        Overflow o = overflow != null ? Overflow.parse(overflow) : d.overflow() != null ? d.overflow() : spec.defaultOverflow();
        String cam = camera != null ? camera : d.camera() != null ? d.camera() : defaultCamera(spec);
        if (spec instanceof SourceSpec.Udp u && u.format() == SourceSpec.UdpFormat.AESTREAM && g == null) {
            throw new IllegalArgumentException(text + ": AEStream datagrams carry no sensor size; give --geometry WxH");
        }
        return new SourceConfig(spec, cam, g, o);
    }

    /** {@code WxH}, e.g. {@code 346x260}. */
    public static SensorGeometry geometry(String wxh) {
        String[] p = wxh.trim().toLowerCase(Locale.ROOT).split("x");
        try {
            if (p.length == 2) {
                return new SensorGeometry(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("geometry '" + wxh + "': " + e.getMessage());
        }
        throw new IllegalArgumentException("geometry '" + wxh + "': expected WIDTHxHEIGHT, e.g. 346x260");
    }

    private static RecordingFormat format(String f, String text) {
        RecordingFormat format;
        try {
            format = RecordingFormat.parse(f);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(text + ": " + e.getMessage());
        }
        if (format != RecordingFormat.EVT2 && format != RecordingFormat.EVT3 && format != RecordingFormat.AEDAT2
                && format != RecordingFormat.AEDAT4) {
            throw new IllegalArgumentException(text + ": " + format.id() + " cannot be read live (live formats: evt2, evt3, aedat2, aedat4)");
        }
        return format;
    }

    private static LiveReader.AddressLayout layout(String chip, String text) {
        try {
            return LiveReader.AddressLayout.valueOf(chip.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(text + ": jAER chip '" + chip + "' (known: dvs128, davis240, davis346)");
        }
    }

    private static String defaultCamera(SourceSpec spec) {
        if (spec instanceof SourceSpec.DvTcp t) {
            return "dv-" + t.host() + "-" + t.port();
        }
        if (spec instanceof SourceSpec.Udp u) {
            return u.format().id() + "-" + u.port();
        }
        SourceSpec.ByteStream b = (SourceSpec.ByteStream) spec;
        return b.path() == null ? "stdin" : String.valueOf(b.path().getFileName()).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private record HostPort(String host, int port) {
    }

    private static HostPort hostPort(String s, String text) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException(text + ": expected HOST:PORT");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new HostPort(host, Integer.parseInt(s.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(text + ": port '" + s.substring(colon + 1) + "' is not a number");
        }
    }

    private static Map<String, String> params(String query, String text) {
        Map<String, String> m = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return m;
        }
        for (String kv : query.split("&")) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(text + ": parameter '" + kv + "' is not KEY=VALUE");
            }
            m.put(kv.substring(0, eq).trim().toLowerCase(Locale.ROOT), kv.substring(eq + 1).trim());
        }
        return m;
    }
}

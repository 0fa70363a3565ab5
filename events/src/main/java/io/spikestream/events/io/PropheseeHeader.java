package io.spikestream.events.io;

import io.spikestream.events.SensorGeometry;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code %} header of Prophesee RAW and DAT files and the geometry it implies. */
final class PropheseeHeader {
    private static final Pattern GEOMETRY = Pattern.compile("(?i)^%\\s*geometry\\s+(\\d+)\\s*x\\s*(\\d+)");
    private static final Pattern FORMAT_W = Pattern.compile("(?i)width=(\\d+)");
    private static final Pattern FORMAT_H = Pattern.compile("(?i)height=(\\d+)");
    private static final Pattern KEY_INT = Pattern.compile("(?i)^%\\s*(height|width)\\s+(\\d+)\\s*$");

    final List<String> lines;

    PropheseeHeader(List<String> lines) {
        this.lines = lines;
    }

    static PropheseeHeader read(FileInput in) {
        return new PropheseeHeader(HeaderLines.read(in, (byte) '%', "% end"));
    }

    /**
     * Geometry from {@code % geometry WxH}, {@code % format EVT3;width=W;height=H}, {@code % Width W}
     * / {@code % Height H}, or else the sensor generation named by {@code % plugin_name} /
     * {@code % sensor_generation}; null when none of them says.
     */
    SensorGeometry geometry() {
        Integer w = null;
        Integer h = null;
        for (String l : lines) {
            Matcher m = GEOMETRY.matcher(l);
            if (m.find()) {
                return of(m.group(1), m.group(2));
            }
            String low = l.toLowerCase(Locale.ROOT);
            if (low.matches("^%\\s*format\\s.*")) {
                Matcher mw = FORMAT_W.matcher(l);
                Matcher mh = FORMAT_H.matcher(l);
                if (mw.find() && mh.find()) {
                    return of(mw.group(1), mh.group(1));
                }
            }
            Matcher k = KEY_INT.matcher(l);
            if (k.find()) {
                if (k.group(1).equalsIgnoreCase("width")) {
                    w = Integer.valueOf(k.group(2));
                } else {
                    h = Integer.valueOf(k.group(2));
                }
            }
        }
        if (w != null && h != null) {
            return safe(w, h);
        }
        return bySensor();
    }

    private SensorGeometry bySensor() {
        for (String l : lines) {
            String low = l.toLowerCase(Locale.ROOT);
            if (low.contains("plugin_name") || low.contains("sensor_generation") || low.contains("integrator")) {
                if (low.contains("imx636") || low.contains("gen41") || low.contains("gen4.1") || low.contains("gen4")
                        || low.matches(".*sensor_generation\\s+4.*")) {
                    return new SensorGeometry(1280, 720);
                }
                if (low.contains("gen31") || low.contains("gen3.1") || low.contains("gen3")
                        || low.matches(".*sensor_generation\\s+3.*")) {
                    return new SensorGeometry(640, 480);
                }
                if (low.contains("genx320")) {
                    return new SensorGeometry(320, 320);
                }
                if (low.contains("imx8")) {
                    return new SensorGeometry(640, 512);
                }
            }
        }
        return null;
    }

    private static SensorGeometry of(String w, String h) {
        try {
            return safe(Integer.parseInt(w), Integer.parseInt(h));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static SensorGeometry safe(int w, int h) {
        if (w < 1 || h < 1 || w > SensorGeometry.MAX_SIDE || h > SensorGeometry.MAX_SIDE) {
            return null;
        }
        return new SensorGeometry(w, h);
    }

    /** The value of {@code % key value}, or null. */
    String value(String key) {
        for (String l : lines) {
            String s = l.substring(1).trim();
            if (s.regionMatches(true, 0, key, 0, key.length()) && s.length() > key.length()
                    && Character.isWhitespace(s.charAt(key.length()))) {
                return s.substring(key.length()).trim();
            }
        }
        return null;
    }
}

package io.spikestream.events.emulator;

/**
 * Where the picture is, relative to its rest position, at each moment of a recording: offsets in
 * sensor pixels (x right, y down).
 */
public sealed interface MotionPath permits MotionPath.ClosedLoop, MotionPath.Saccades {

    double dx(double tUs);

    double dy(double tUs);

    /** Upper bound of the speed in sensor pixels per µs, to choose render steps that do not alias. */
    double maxSpeedPxPerUs();

    /** Largest |offset| in either axis: the margin the renderer keeps around the picture. */
    double maxExcursionPx();

    /**
     * A repeated closed loop: a circle of {@code radiusPx} run {@code loops} times in
     * {@code durationUs}, starting at phase {@code phase} (radians) — smooth (no corners, so no
     * infinite acceleration) and back where it started after every loop.
     */
    record ClosedLoop(double radiusPx, double loops, long durationUs, double phase) implements MotionPath {
        public ClosedLoop {
            if (!(radiusPx >= 0 && radiusPx < 64) || !(loops > 0) || durationUs <= 0) {
                throw new IllegalArgumentException("bad closed loop: radius " + radiusPx + " px, " + loops
                        + " loops in " + durationUs + " µs");
            }
        }

        private double angle(double tUs) {
            return phase + 2 * Math.PI * loops * tUs / durationUs;
        }

        @Override
        public double dx(double tUs) {
            return radiusPx * (Math.cos(angle(tUs)) - Math.cos(phase));
        }

        @Override
        public double dy(double tUs) {
            return radiusPx * (Math.sin(angle(tUs)) - Math.sin(phase));
        }

        @Override
        public double maxSpeedPxPerUs() {
            return 2 * Math.PI * radiusPx * loops / durationUs;
        }

        @Override
        public double maxExcursionPx() {
            return 2 * radiusPx;
        }
    }

    /**
     * N-MNIST's three saccades: straight moves between the corners of a triangle, each taking
     * {@code saccadeUs}, back to the start after the third, with a smooth (raised-cosine) speed
     * profile within each move as a pan-tilt unit accelerates and brakes.
     */
    record Saccades(double[] cornersX, double[] cornersY, long saccadeUs) implements MotionPath {
        public Saccades {
            if (cornersX.length != 3 || cornersY.length != 3 || saccadeUs <= 0) {
                throw new IllegalArgumentException("three corners and a positive saccade time expected");
            }
            cornersX = cornersX.clone();
            cornersY = cornersY.clone();
        }

        /** The N-MNIST triangle: right-down, left, then up back to the start, with side {@code side} px. */
        public static Saccades triangle(double side, long saccadeUs) {
            return new Saccades(new double[] {0, side, side / 2}, new double[] {0, side * 0.5, -side * 0.5}, saccadeUs);
        }

        private double along(double tUs, double[] c) {
            double s = Math.max(0, Math.min(3, tUs / saccadeUs));
            int i = Math.min(2, (int) s);
            double f = s - i;
            double eased = 0.5 - 0.5 * Math.cos(Math.PI * f);
            return c[i] + (c[(i + 1) % 3] - c[i]) * eased;
        }

        @Override
        public double dx(double tUs) {
            return along(tUs, cornersX);
        }

        @Override
        public double dy(double tUs) {
            return along(tUs, cornersY);
        }

        @Override
        public double maxSpeedPxPerUs() {
            double longest = 0;
            for (int i = 0; i < 3; i++) {
                longest = Math.max(longest, Math.hypot(cornersX[(i + 1) % 3] - cornersX[i], cornersY[(i + 1) % 3] - cornersY[i]));
            }
            return longest * Math.PI / 2 / saccadeUs; // peak of the raised-cosine profile
        }

        @Override
        public double maxExcursionPx() {
            double m = 0;
            for (int i = 0; i < 3; i++) {
                m = Math.max(m, Math.max(Math.abs(cornersX[i]), Math.abs(cornersY[i])));
            }
            return m;
        }
    }
}

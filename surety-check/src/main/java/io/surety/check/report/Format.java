package io.surety.check.report;

import java.util.Locale;

/** Times and durations as the reports print them. */
final class Format {

    private Format() {
    }

    /** A duration: "850 ms", "42.5 s", "3 min 05 s", "1 h 02 min". */
    static String duration(long ms) {
        if (ms < 0) {
            return "?";
        }
        if (ms < 1_000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }

    /** A point on the run's time axis, in seconds: "12.3 s". */
    static String at(long ms) {
        return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /** When a fault happened: "at 12.0 s" for a crash, "12.0 s to 20.0 s (8.0 s)", "from 12.0 s, never healed". */
    static String window(long startMs, long endMs) {
        if (endMs < 0) {
            return "from " + at(startMs) + ", never healed";
        }
        if (endMs == startMs) {
            return "at " + at(startMs);
        }
        return at(startMs) + " to " + at(endMs) + " (" + duration(endMs - startMs) + ")";
    }

    /** {@code text} ending with a full stop (or the ! or ? it has). */
    static String sentence(String text) {
        String t = text.strip();
        return t.endsWith(".") || t.endsWith("!") || t.endsWith("?") ? t : t + ".";
    }
}

package io.surety.check.report;

import io.surety.check.result.CheckSummary;
import io.surety.check.result.Stall;
import java.util.ArrayList;
import java.util.List;

/** The longest stretch without an acknowledgement, per guarantee, as both reports print it. Stateless. */
final class StallsText {

    static final String LABEL = "longest without an acknowledgement: ";

    private StallsText() {
    }

    /** "at-least-once 4.1 s (from 58.5 s), ..." in the reports' order of guarantees; empty when none was measured. */
    static String of(CheckSummary summary) {
        if (summary.timeline() == null) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (String guarantee : Guarantees.order(summary.results(), summary.timeline())) {
            Stall stall = summary.timeline().longestStalls().get(guarantee);
            if (stall != null) {
                parts.add(guarantee + " " + Format.duration(stall.durationMs()) + " (from " + Format.at(stall.fromMs()) + ")");
            }
        }
        return String.join(", ", parts);
    }
}

package io.surety.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The median of repeated measurements with their range: what the report shows for every figure.
 * A figure some repetitions did not produce (NaN) is left out; with no figure at all every field is
 * NaN. Immutable.
 */
record Spread(double median, double min, double max, int count) {

    static final Spread NONE = new Spread(Double.NaN, Double.NaN, Double.NaN, 0);

    static Spread of(List<Double> values) {
        List<Double> known = new ArrayList<>();
        for (Double value : values) {
            if (value != null && !value.isNaN()) {
                known.add(value);
            }
        }
        if (known.isEmpty()) {
            return NONE;
        }
        Collections.sort(known);
        int n = known.size();
        double median = n % 2 == 1 ? known.get(n / 2) : (known.get(n / 2 - 1) + known.get(n / 2)) / 2;
        return new Spread(median, known.get(0), known.get(n - 1), n);
    }

    boolean known() {
        return count > 0;
    }
}

package io.surety.check.result;

import java.util.List;
import java.util.Map;

/**
 * Throughput over time for the report's chart: per guarantee, acknowledgements and deliveries
 * counted in consecutive buckets of {@code bucketMs} from the start of the run, and the longest
 * stretch without an acknowledgement ({@link Stall}; absent for a guarantee with fewer than two).
 */
public record Timeline(long bucketMs, Map<String, List<Long>> acknowledgedPerBucket,
                       Map<String, List<Long>> deliveredPerBucket, Map<String, Stall> longestStalls) {

    public Timeline {
        acknowledgedPerBucket = Map.copyOf(acknowledgedPerBucket);
        deliveredPerBucket = Map.copyOf(deliveredPerBucket);
        longestStalls = Map.copyOf(longestStalls);
    }

    /** A timeline without stalls measured. */
    public Timeline(long bucketMs, Map<String, List<Long>> acknowledgedPerBucket,
                    Map<String, List<Long>> deliveredPerBucket) {
        this(bucketMs, acknowledgedPerBucket, deliveredPerBucket, Map.of());
    }
}

package io.surety.check.result;

import java.util.List;
import java.util.Map;

/**
 * Throughput over time for the report's chart: per guarantee, acknowledgements and deliveries
 * counted in consecutive buckets of {@code bucketMs} from the start of the run.
 */
public record Timeline(long bucketMs, Map<String, List<Long>> acknowledgedPerBucket,
                       Map<String, List<Long>> deliveredPerBucket) {

    public Timeline {
        acknowledgedPerBucket = Map.copyOf(acknowledgedPerBucket);
        deliveredPerBucket = Map.copyOf(deliveredPerBucket);
    }
}

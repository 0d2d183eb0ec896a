package io.surety.bench.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

/** Shared set-up for the microbenchmarks. */
final class Batches {

    private Batches() {
    }

    /** An uncompressed client batch of {@code count} records of {@code size} bytes, as a producer sends it. */
    static MemoryRecords records(int count, int size) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(System.currentTimeMillis(), ("key-" + i).getBytes(), new byte[size]);
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}

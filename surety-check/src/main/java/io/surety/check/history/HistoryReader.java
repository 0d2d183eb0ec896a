package io.surety.check.history;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Reads history files back. A line cut short by a crash (the last one of a killed writer) is skipped. */
public final class HistoryReader {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private HistoryReader() {
    }

    /** The events of every file, merged in time order. */
    public static List<HistoryEvent> readAll(List<Path> files) {
        List<HistoryEvent> events = new ArrayList<>();
        for (Path file : files) {
            events.addAll(read(file));
        }
        events.sort(Comparator.comparingLong(HistoryEvent::nanos));
        return events;
    }

    public static List<HistoryEvent> read(Path file) {
        List<HistoryEvent> events = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    events.add(JSON.readValue(line, HistoryEvent.class));
                } catch (IOException torn) {
                    // a writer killed mid-line leaves a partial last line: nothing after it was written
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read history file " + file, e);
        }
        return events;
    }
}

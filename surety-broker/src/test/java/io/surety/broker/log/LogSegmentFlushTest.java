package io.surety.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A segment is flushed by two threads: the group-commit flusher, and the writer when it rolls to
 * a new segment. The fsync ledger must still see one file's synced lengths in increasing order,
 * or a power-loss simulation (which keeps the last recorded length) would cut data that was synced.
 */
class LogSegmentFlushTest {

    @TempDir
    Path dir;

    @Test
    void shouldRecordTheLongestSyncedLengthLastWhenTwoThreadsFlushOneSegment() throws Exception {
        PausingLedger ledger = new PausingLedger();
        LogSegment segment = LogSegment.create(dir, 0, ledger, SegmentChannels.FILES, 0);
        append(segment, 0, 100);
        ledger.pauseNextRecord();
        Thread flusher = flushOn("flusher", segment);
        ledger.awaitPaused();

        append(segment, 1, 100);
        Thread roller = flushOn("roller", segment);
        await().atMost(Duration.ofSeconds(10)).until(() -> roller.getState() == Thread.State.TERMINATED
                || roller.getState() == Thread.State.BLOCKED || roller.getState() == Thread.State.WAITING);
        ledger.resume();
        flusher.join(TimeUnit.SECONDS.toMillis(10));
        roller.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(ledger.recordedLengths()).last().isEqualTo(200L);
        assertThat(ledger.recordedLengths()).isSorted();
        segment.close();
    }

    private static Thread flushOn(String name, LogSegment segment) {
        Thread thread = new Thread(() -> {
            try {
                segment.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, name);
        thread.start();
        return thread;
    }

    /** Appends a header-only batch of {@code sizeBytes} holding one record at {@code offset}. */
    private static void append(LogSegment segment, long offset, int sizeBytes) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(sizeBytes);
        bytes.putLong(0, offset);
        bytes.putInt(BatchHeader.LENGTH_OFFSET, sizeBytes - BatchHeader.LOG_OVERHEAD);
        bytes.put(BatchHeader.MAGIC_OFFSET, BatchHeader.MAGIC_V2);
        bytes.putLong(27, 1_000L);
        bytes.putLong(35, 1_000L);
        bytes.putLong(43, -1L);
        bytes.putInt(57, 1);
        segment.append(BatchHeader.read(bytes, 0), bytes, 4096);
    }

    /**
     * Records lengths in call order; can hold the next caller before it records, as if its thread
     * were descheduled between the fsync and the ledger write.
     */
    private static final class PausingLedger implements FsyncLedger {
        private final List<Long> lengths = new ArrayList<>();
        private final AtomicBoolean pauseNext = new AtomicBoolean();
        private final CountDownLatch paused = new CountDownLatch(1);
        private final CountDownLatch resumed = new CountDownLatch(1);

        @Override
        public void synced(Path file, long length) {
            if (pauseNext.compareAndSet(true, false)) {
                paused.countDown();
                try {
                    resumed.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            synchronized (lengths) {
                lengths.add(length);
            }
        }

        void pauseNextRecord() {
            pauseNext.set(true);
        }

        void awaitPaused() throws InterruptedException {
            assertThat(paused.await(10, TimeUnit.SECONDS)).as("a flush reached the ledger").isTrue();
        }

        void resume() {
            resumed.countDown();
        }

        List<Long> recordedLengths() {
            synchronized (lengths) {
                return List.copyOf(lengths);
            }
        }
    }
}

package io.surety.broker.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerIdAllocatorTest {

    @TempDir
    Path dir;

    @Test
    void shouldRecordEachBlockBeforeGivingOutItsIdsAndSkipTheRestOfItAfterARestart() throws IOException {
        Path file = dir.resolve("producer-ids");
        ProducerIdAllocator.BlockStore store = next -> Files.writeString(file, next + "\n");
        ProducerIdAllocator first = ProducerIdAllocator.open(file, store);

        assertThat(first.nextId()).isZero();
        assertThat(Files.readString(file, StandardCharsets.UTF_8).trim()).isEqualTo("1000");
        assertThat(first.nextId()).isEqualTo(1);

        ProducerIdAllocator reopened = ProducerIdAllocator.open(file, store);
        assertThat(reopened.nextId()).isEqualTo(1000);
        assertThat(Files.readString(file, StandardCharsets.UTF_8).trim()).isEqualTo("2000");
    }

    @Test
    void shouldUseTheBlocksItIsGivenInOrderAndGiveOutNothingWhenNoneComes() throws IOException {
        ArrayDeque<ProducerIdAllocator.Block> blocks = new ArrayDeque<>(List.of(
                new ProducerIdAllocator.Block(5000, 2), new ProducerIdAllocator.Block(9000, 1)));
        ProducerIdAllocator allocator = ProducerIdAllocator.fromBlocks(() -> {
            if (blocks.isEmpty()) {
                throw new ProducerIdsUnavailableException("no controller", null);
            }
            return blocks.poll();
        });

        assertThat(List.of(allocator.nextId(), allocator.nextId(), allocator.nextId())).containsExactly(5000L, 5001L, 9000L);
        assertThatThrownBy(allocator::nextId).isInstanceOf(ProducerIdsUnavailableException.class);
    }
}

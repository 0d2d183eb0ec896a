package io.surety.broker.log;

import java.nio.channels.FileChannel;

/**
 * A byte range of a segment file, handed to the network layer so it can send the bytes with
 * sendfile instead of copying them through the heap. The channel stays open for at least
 * {@code file.delete.delay.ms} after its segment is deleted, so a slice taken just before a
 * deletion can still be sent.
 */
public record FileSlice(FileChannel channel, long position, int sizeInBytes) {
}

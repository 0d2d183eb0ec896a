package io.surety.broker.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens segment files. The broker uses {@link #FILES}; tests pass channels that fail the way full
 * or failing disks do (ENOSPC on write, EIO on fsync) to show that a storage error costs only the
 * partition it hits and never data already acknowledged.
 */
@FunctionalInterface
public interface SegmentChannels {

    SegmentChannels FILES = (file, create) -> create
            ? FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)
            : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);

    /** Opens {@code file} for reading and writing; with {@code create}, the file must not exist yet. */
    FileChannel open(Path file, boolean create) throws IOException;
}

package io.surety.broker.log;

/**
 * What every log of a broker shares: where fsyncs are recorded, how deleted segments are closed,
 * how segment files are opened, and whether consumers see data only once it is fsynced. Immutable.
 */
public record LogEnvironment(FsyncLedger ledger, Log.SegmentCloser closer, SegmentChannels channels,
        boolean visibleOnFlush) {

    public static LogEnvironment of(FsyncLedger ledger, Log.SegmentCloser closer, boolean visibleOnFlush) {
        return new LogEnvironment(ledger, closer, SegmentChannels.FILES, visibleOnFlush);
    }

    public LogEnvironment withChannels(SegmentChannels newChannels) {
        return new LogEnvironment(ledger, closer, newChannels, visibleOnFlush);
    }
}

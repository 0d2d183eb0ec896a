package io.surety.check.fault;

import io.surety.semantics.CrashPoint;
import io.surety.semantics.Guarantee;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * When each fault happens, as an offset from the start of the traffic. The default schedule
 * follows the smoke profile of the delivery-anomaly notes: two broker crashes, lost produce
 * responses, a connection reset, a black hole, a delay, a producer {@code kill -9} per guarantee,
 * and one consumer crash at each commit point that decides the guarantee — spread over the run
 * so that each fault meets traffic recovered from the one before.
 */
public record FaultSchedule(List<Scheduled> faults) {

    /** A fault and when it starts. */
    public record Scheduled(Duration at, Fault fault) {
    }

    public FaultSchedule {
        faults = faults.stream().sorted(Comparator.comparing(Scheduled::at)).toList();
    }

    public static FaultSchedule none() {
        return new FaultSchedule(List.of());
    }

    /** The default schedule over {@code traffic} for the given guarantees. */
    public static FaultSchedule standard(Duration traffic, List<Guarantee> guarantees) {
        List<Scheduled> faults = new ArrayList<>();
        long ms = traffic.toMillis();
        add(faults, ms, 0.09, new Fault.ConnectionReset());
        add(faults, ms, 0.15, new Fault.LostProduceResponses(3));
        for (Guarantee guarantee : guarantees) {
            CrashPoint decisive = guarantee == Guarantee.AT_MOST_ONCE
                    ? CrashPoint.AFTER_COMMIT_BEFORE_PROCESS : CrashPoint.AFTER_PROCESS_BEFORE_COMMIT;
            add(faults, ms, 0.22, new Fault.ConsumerCrash(guarantee, decisive));
        }
        add(faults, ms, 0.30, new Fault.BrokerCrash());
        add(faults, ms, 0.46, new Fault.BlackHole(Duration.ofSeconds(3)));
        double at = 0.58;
        for (Guarantee guarantee : guarantees) {
            add(faults, ms, at, new Fault.ProducerCrash(guarantee));
            at += 0.02;
        }
        for (Guarantee guarantee : guarantees) {
            add(faults, ms, 0.68, new Fault.ConsumerCrash(guarantee, CrashPoint.MID_PROCESSING));
        }
        add(faults, ms, 0.75, new Fault.BrokerCrash());
        add(faults, ms, 0.87, new Fault.Delay(Duration.ofMillis(300), Duration.ofSeconds(3)));
        return new FaultSchedule(faults);
    }

    private static void add(List<Scheduled> faults, long trafficMs, double fraction, Fault fault) {
        faults.add(new Scheduled(Duration.ofMillis(Math.round(trafficMs * fraction)), fault));
    }
}

package io.surety.check.checker;

import io.surety.check.result.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a guarantee's counts against its promise.
 *
 * <ul>
 *   <li>at-most-once ("never duplicated; may lose"): no duplicated delivery, no log duplicate;</li>
 *   <li>at-least-once ("never lost; may duplicate"): no lost record, no skipped record;</li>
 *   <li>exactly-once ("neither lost nor duplicated"): no lost record, no duplicated delivery, no log
 *       duplicate, no aborted read;</li>
 *   <li>every guarantee: no phantom.</li>
 * </ul>
 *
 * Reordered records and lost unacknowledged records are reported but never fail a verdict. Lost
 * and skipped records fail it only once the run read the records back at its end: before that, an
 * undelivered record may simply still be on its way (a run interrupted by the user).
 */
final class VerdictRules {

    private VerdictRules() {
    }

    static Verdict judge(String guarantee, Counts c, boolean readBack) {
        List<String> violations = new ArrayList<>();
        boolean amo = Guarantees.AT_MOST_ONCE.equals(Guarantees.requireKnown(guarantee));
        boolean alo = Guarantees.AT_LEAST_ONCE.equals(guarantee);
        boolean eos = Guarantees.EXACTLY_ONCE.equals(guarantee);
        if ((alo || eos) && readBack && c.lost() > 0) {
            violations.add(records(c.lost(), "acknowledged record was never delivered",
                    "acknowledged records were never delivered"));
        }
        if (alo && readBack && c.offsetsSkipped() > 0) {
            violations.add(records(c.offsetsSkipped(), "record was skipped over by a consumer",
                    "records were skipped over by a consumer"));
        }
        if ((amo || eos) && c.duplicated() > 0) {
            violations.add(records(c.duplicated(), "delivery repeated a record already delivered",
                    "deliveries repeated records already delivered"));
        }
        if ((amo || eos) && c.logDuplicates() > 0) {
            violations.add(records(c.logDuplicates(), "record was written to the log at two or more offsets",
                    "records were written to the log at two or more offsets"));
        }
        if (eos && c.abortedReads() > 0) {
            violations.add(records(c.abortedReads(), "record of an aborted transaction was read",
                    "records of aborted transactions were read"));
        }
        if (c.phantoms() > 0) {
            violations.add(records(c.phantoms(), "record was read that no producer sent",
                    "records were read that no producer sent"));
        }
        return Verdict.of(violations);
    }

    private static String records(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}

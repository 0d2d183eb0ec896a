package io.surety.broker;

import java.util.concurrent.Callable;
import org.apache.kafka.common.Uuid;
import picocli.CommandLine.Command;

/** {@code surety random-uuid}: prints a new cluster id for {@code surety format}, as {@code kafka-storage random-uuid}. */
@Command(name = "random-uuid", mixinStandardHelpOptions = true,
        description = "Print a new random UUID (base64) to use as a cluster id.")
final class RandomUuidCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.println(Uuid.randomUuid());
        return 0;
    }
}

package io.surety.broker.api;

import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData.DescribableLogDirTopicCollection;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeLogDirsRequest;

/**
 * DescribeLogDirs (v1-4): this node's one data directory with the replicas it holds (all, or those
 * named), each with its size in bytes and how far its log end is behind its high watermark (Kafka's
 * offset lag of a current replica), plus the directory's total and usable bytes. A replica this
 * node does not hold is left out, as Kafka does. What {@code kafka-log-dirs} and
 * {@code kafka-reassign-partitions} ask every broker. Stateless; any thread.
 */
final class DescribeLogDirsHandler implements ApiHandler {

    private final Path dataDir;
    private final PartitionRegistry partitions;

    DescribeLogDirsHandler(Path dataDir, PartitionRegistry partitions) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.partitions = partitions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_LOG_DIRS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        DescribeLogDirsRequestData data = ((DescribeLogDirsRequest) request.body()).data();
        Map<String, DescribeLogDirsTopic> topics = new TreeMap<>();
        for (Partition partition : partitions.all()) {
            TopicPartition tp = partition.topicPartition();
            if (partition.isOffline() || !requested(data.topics(), tp)) {
                continue;
            }
            long logEnd = partition.log().logEndOffset();
            topics.computeIfAbsent(tp.topic(), name -> new DescribeLogDirsTopic().setName(name)).partitions()
                    .add(new DescribeLogDirsPartition().setPartitionIndex(tp.partition())
                            .setPartitionSize(partition.log().sizeInBytes())
                            .setOffsetLag(Math.max(0, partition.log().highWatermark() - logEnd))
                            .setIsFutureKey(false));
        }
        topics.values().forEach(t -> t.partitions().sort(Comparator.comparingInt(DescribeLogDirsPartition::partitionIndex)));
        DescribeLogDirsResult result = new DescribeLogDirsResult().setErrorCode(Errors.NONE.code())
                .setLogDir(dataDir.toString()).setTopics(List.copyOf(topics.values()));
        try {
            FileStore store = Files.getFileStore(dataDir);
            result.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace());
        } catch (IOException e) {
            result.setTotalBytes(-1).setUsableBytes(-1);
        }
        DescribeLogDirsResponseData response = new DescribeLogDirsResponseData();
        response.results().add(result);
        return CompletableFuture.completedFuture(new ApiResponse.Send(response));
    }

    /** Whether {@code tp} is asked for: null topics mean every replica. */
    private static boolean requested(DescribableLogDirTopicCollection topics, TopicPartition tp) {
        if (topics == null) {
            return true;
        }
        return topics.stream().anyMatch(t -> t.topic().equals(tp.topic()) && t.partitions().contains(tp.partition()));
    }
}

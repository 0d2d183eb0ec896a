'use strict';
// "consume.js <bootstrap> <group> <topic | /regex/>": a group member (read_committed, KafkaJS's
// default) from the earliest offset until standard input closes, then a clean leave. Prints
// "assigned <topic>:<partition>,..." after each join, "record <topic> <partition> <offset> <key>
// <value>" per record and "committed <topic>:<partition>:<offset>,..." per offset commit.
const { client, out, main, stdinClosed } = require('./common');

main(async () => {
  const { kafka, args } = client('kafkajs-consume');
  const [group, subscription] = args;
  const topic = subscription.startsWith('/') ? new RegExp(subscription.slice(1, -1)) : subscription;
  // A short fetch wait: disconnecting waits for the fetch in flight, 5 s by default.
  const consumer = kafka.consumer({ groupId: group, sessionTimeoutMs: 10000, heartbeatInterval: 500, maxWaitTimeInMs: 500 });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const assigned = Object.entries(payload.memberAssignment)
      .flatMap(([t, partitions]) => partitions.map((p) => `${t}:${p}`)).sort();
    out('assigned', assigned.join(',') || '-');
  });
  consumer.on(consumer.events.COMMIT_OFFSETS, ({ payload }) => {
    const offsets = payload.topics.flatMap((t) => t.partitions.map((p) => `${t.topic}:${p.partition}:${p.offset}`));
    out('committed', offsets.sort().join(','));
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommitThreshold: 1,
    eachMessage: async ({ topic: t, partition, message }) => {
      out('record', t, partition, message.offset, message.key ? message.key.toString() : '-', message.value.toString());
    },
  });
  await stdinClosed();
  await consumer.disconnect();
});

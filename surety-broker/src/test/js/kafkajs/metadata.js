'use strict';
// Lists every topic twice, with listTopics and with fetchTopicMetadata for all topics (a Metadata
// request without topic names): "listed <topic>" and "topic <topic> <partitions> <leader of 0>".
const { client, out, main } = require('./common');

main(async () => {
  const { kafka } = client('kafkajs-metadata');
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const name of (await admin.listTopics()).sort()) {
      out('listed', name);
    }
    const { topics } = await admin.fetchTopicMetadata();
    for (const topic of topics.sort((a, b) => a.name.localeCompare(b.name))) {
      const first = topic.partitions.find((p) => p.partitionId === 0);
      out('topic', topic.name, topic.partitions.length, first ? first.leader : -1);
    }
  } finally {
    await admin.disconnect();
  }
});

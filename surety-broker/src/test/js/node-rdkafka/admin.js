'use strict';
// "admin.js <bootstrap> <topic>": creates <topic> with 2 partitions, lists it in the metadata of
// all topics, grows it to 4 partitions, then deletes it. Prints "created", "listed <topic>
// <partitions>", "grown <partitions>", "deleted".
const { Kafka, args, out, main, call } = require('./common');

const TIMEOUT_MS = 30000;

async function partitionsOf(bootstrap, topic) {
  const producer = new Kafka.Producer({ 'metadata.broker.list': bootstrap });
  await call(producer, 'connect', {});
  const metadata = await call(producer, 'getMetadata', { timeout: TIMEOUT_MS });
  await call(producer, 'disconnect');
  const found = metadata.topics.find((t) => t.name === topic);
  return found ? found.partitions.length : 0;
}

main(async () => {
  const { bootstrap, rest: [topic] } = args();
  const admin = Kafka.AdminClient.create({ 'metadata.broker.list': bootstrap });
  try {
    await call(admin, 'createTopic', { topic, num_partitions: 2, replication_factor: 1 }, TIMEOUT_MS);
    out('created');
    out('listed', topic, await partitionsOf(bootstrap, topic));
    await call(admin, 'createPartitions', topic, 4, TIMEOUT_MS);
    out('grown', await partitionsOf(bootstrap, topic));
    await call(admin, 'deleteTopic', topic, TIMEOUT_MS);
    out('deleted');
  } finally {
    admin.disconnect();
  }
});

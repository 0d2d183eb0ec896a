'use strict';
// "transactions.js <bootstrap> <topic> <transactional.id> <group>": three transactions on
// partition 0 of <topic>: ten records committed, ten aborted, ten more committed together with
// an offset of 7 for <group> on partition 0 (TxnOffsetCommit). Prints "committed <n>" or
// "aborted <n>" after each.
const { client, out, main } = require('./common');

function records(prefix, from, count) {
  return Array.from({ length: count }, (_, i) => ({ partition: 0, key: `${prefix}-${from + i}`, value: `${prefix}-${from + i}` }));
}

main(async () => {
  const { kafka, args } = client('kafkajs-transactions');
  const [topic, transactionalId, group] = args;
  const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    let transaction = await producer.transaction();
    await transaction.send({ topic, messages: records('committed', 0, 10) });
    await transaction.commit();
    out('committed', 10);

    transaction = await producer.transaction();
    await transaction.send({ topic, messages: records('aborted', 0, 10) });
    await transaction.abort();
    out('aborted', 10);

    transaction = await producer.transaction();
    await transaction.send({ topic, messages: records('committed', 10, 10) });
    await transaction.sendOffsets({
      consumerGroupId: group,
      topics: [{ topic, partitions: [{ partition: 0, offset: '7' }] }],
    });
    await transaction.commit();
    out('committed', 10);
  } finally {
    await producer.disconnect();
  }
});

'use strict';
// "produce.js <bootstrap> <topic> <count> <none|gzip> <plain|idempotent>": sends <count> records
// to partition 0 in batches of 50, each with a key, two headers and a timestamp of
// 1700000000000 + i, and prints "sent <partition> <baseOffset>" per acknowledged batch.
const { CompressionTypes } = require('kafkajs');
const { client, out, main } = require('./common');

const BASE_TIMESTAMP = 1700000000000;
const BATCH = 50;

main(async () => {
  const { kafka, args } = client('kafkajs-produce');
  const [topic, count, codec, mode] = args;
  const compression = codec === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  const idempotent = mode === 'idempotent';
  const producer = kafka.producer(idempotent ? { idempotent: true, maxInFlightRequests: 1 } : {});
  await producer.connect();
  try {
    for (let start = 0; start < Number(count); start += BATCH) {
      const messages = [];
      for (let i = start; i < Math.min(start + BATCH, Number(count)); i++) {
        messages.push({
          partition: 0,
          key: `key-${i}`,
          value: `value-${i} ${'compressible '.repeat(8)}`,
          timestamp: String(BASE_TIMESTAMP + i),
          headers: { index: String(i), origin: 'kafkajs' },
        });
      }
      const acks = await producer.send({ topic, compression, acks: -1, messages });
      acks.forEach((ack) => out('sent', ack.partition, ack.baseOffset));
    }
  } finally {
    await producer.disconnect();
  }
});

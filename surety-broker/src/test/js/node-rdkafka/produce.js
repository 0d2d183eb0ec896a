'use strict';
// "produce.js <bootstrap> <topic> <count> <codec> <idempotent|transactional>": <count> records to
// partition 0, each with a key, a header and the timestamp 1700000000000 + i, compressed with
// <codec>. Transactional: the first half committed, then the same records again aborted, then
// the second half committed. Prints "delivered <n>" once every record is acknowledged.
const { Kafka, args, out, main, call } = require('./common');

const BASE_TIMESTAMP = 1700000000000;
const TIMEOUT_MS = 30000;

main(async () => {
  const { bootstrap, rest: [topic, count, codec, mode] } = args();
  const transactional = mode === 'transactional';
  const config = {
    'metadata.broker.list': bootstrap,
    'compression.codec': codec,
    'linger.ms': 50,
    'enable.idempotence': true,
    dr_cb: true,
  };
  if (transactional) {
    config['transactional.id'] = `node-rdkafka-${topic}`;
  }
  const producer = new Kafka.Producer(config);
  let delivered = 0;
  producer.on('delivery-report', (err) => {
    if (err) {
      out('undelivered', err.message);
    } else {
      delivered++;
    }
  });
  producer.setPollInterval(10);
  await call(producer, 'connect', {});
  const send = (from, to, prefix) => {
    for (let i = from; i < to; i++) {
      producer.produce(topic, 0, Buffer.from(`${prefix}-${i}`), `key-${i}`, BASE_TIMESTAMP + i, null,
        [{ origin: 'node-rdkafka' }]);
    }
  };
  const total = Number(count);
  if (!transactional) {
    send(0, total, 'value');
    await call(producer, 'flush', TIMEOUT_MS);
  } else {
    await call(producer, 'initTransactions', TIMEOUT_MS);
    await call(producer, 'beginTransaction');
    send(0, total / 2, 'committed');
    await call(producer, 'commitTransaction', TIMEOUT_MS);
    await call(producer, 'beginTransaction');
    send(0, total / 2, 'aborted');
    // Flushed first so the aborted records are in the log, not purged from the queue.
    await call(producer, 'flush', TIMEOUT_MS);
    await call(producer, 'abortTransaction', TIMEOUT_MS);
    await call(producer, 'beginTransaction');
    send(total / 2, total, 'committed');
    await call(producer, 'commitTransaction', TIMEOUT_MS);
  }
  await call(producer, 'flush', TIMEOUT_MS);
  out('delivered', delivered);
  await call(producer, 'disconnect');
});

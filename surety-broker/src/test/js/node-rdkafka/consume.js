'use strict';
// "consume.js <bootstrap> <group> <topic> <count>": a group member (read_committed) from the
// earliest offset until it has <count> records, which it commits synchronously before leaving.
// Prints "record <partition> <offset> <key> <value> <header origin>" per record, then "closed".
const { Kafka, args, out, main, call } = require('./common');

main(async () => {
  const { bootstrap, rest: [group, topic, count] } = args();
  const consumer = new Kafka.KafkaConsumer({
    'metadata.broker.list': bootstrap,
    'group.id': group,
    'enable.auto.commit': false,
    'isolation.level': 'read_committed',
  }, { 'auto.offset.reset': 'earliest' });
  await call(consumer, 'connect', {});
  consumer.subscribe([topic]);
  let seen = 0;
  while (seen < Number(count)) {
    const messages = await call(consumer, 'consume', 100);
    for (const m of messages) {
      const origin = (m.headers || []).map((h) => Object.values(h)[0].toString()).join(',') || '-';
      out('record', m.partition, m.offset, m.key ? m.key.toString() : '-', m.value.toString(), origin);
      seen++;
    }
  }
  consumer.commitSync(null);
  await call(consumer, 'disconnect');
  out('closed');
});

'use strict';
// "group.js <bootstrap> <group> <topic> <count> <classic|consumer>": two members of <group> in
// one process, with the given group.protocol (consumer is KIP-848's), auto-committing, until
// together they have <count> records and each holds partitions; then both commit and leave.
// Prints "assigned <member> <partition,...>" for each at the end, "records <n>", "duplicates <n>".
const { Kafka, args, out, main, call } = require('./common');

const DEADLINE_MS = 60000;

main(async () => {
  const { bootstrap, rest: [group, topic, count, protocol] } = args();
  const members = ['a', 'b'].map(() => new Kafka.KafkaConsumer({
    'metadata.broker.list': bootstrap,
    'group.id': group,
    'group.protocol': protocol,
    'enable.auto.commit': true,
    'auto.commit.interval.ms': 200,
  }, { 'auto.offset.reset': 'earliest' }));
  const seen = new Map();
  for (const member of members) {
    await call(member, 'connect', {});
    member.subscribe([topic]);
    member.on('data', (m) => seen.set(`${m.partition}:${m.offset}`, (seen.get(`${m.partition}:${m.offset}`) || 0) + 1));
    member.consume();
  }
  const deadline = Date.now() + DEADLINE_MS;
  const done = () => seen.size >= Number(count) && members.every((m) => m.assignments().length > 0);
  while (!done() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  members.forEach((m, i) => out('assigned', i, m.assignments().map((p) => p.partition).sort().join(',') || '-'));
  out('records', seen.size);
  out('duplicates', [...seen.values()].filter((n) => n > 1).length);
  // Leaving commits what auto-commit stored last.
  await Promise.all(members.map((m) => call(m, 'disconnect')));
});

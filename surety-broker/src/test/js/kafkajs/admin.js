'use strict';
// KafkaJS's admin client, one command per run:
//   create <topic> <partitions> [key=value ...]   -> "created <topic> <true|false>"
//   delete <topic> ...                            -> "deleted <topic>" each
//   partitions <topic> <count>                    -> "partitions <topic> <count>" (CreatePartitions)
//   configs <topic> <name> ...                    -> "config topic|broker <name> <value>" (DescribeConfigs)
//   alter <topic> <key=value> ...                 -> "altered <topic>" (AlterConfigs: replaces every override)
//   offsets <topic>                               -> "offsets <partition> <low> <high>" (ListOffsets)
//   offsets-at <topic> <timestamp>                -> "offset-at <partition> <offset>" (ListOffsets by time)
//   delete-records <topic> <partition> <offset>   -> then as offsets (DeleteRecords)
//   cluster                                       -> "broker <id> <host:port>", "controller <id>", "cluster-id <id>"
//   groups <group> <topic>                        -> ListGroups, DescribeGroups, OffsetFetch lines
//   set-offset <group> <topic> <partition> <offset> -> "set <group>" (OffsetCommit of an empty group)
//   delete-group <group>                          -> "deleted-group <group> <errorCode>" (DeleteGroups)
const { ConfigResourceTypes } = require('kafkajs');
const { client, out, main } = require('./common');

const commands = {
  async create(admin, topic, partitions, ...configs) {
    const configEntries = configs.map((c) => {
      const [name, value] = c.split('=');
      return { name, value };
    });
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: Number(partitions), replicationFactor: 1, configEntries }],
    });
    out('created', topic, created);
  },

  async delete(admin, ...topics) {
    await admin.deleteTopics({ topics });
    topics.forEach((t) => out('deleted', t));
  },

  async partitions(admin, topic, count) {
    await admin.createPartitions({ topicPartitions: [{ topic, count: Number(count) }] });
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    out('partitions', topic, topics[0].partitions.length);
  },

  async configs(admin, topic, ...names) {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: topic, configNames: names },
        { type: ConfigResourceTypes.BROKER, name: '1', configNames: ['num.partitions'] },
      ],
    });
    for (const resource of resources) {
      if (resource.errorCode !== 0) {
        throw new Error(`DescribeConfigs ${resource.resourceName}: error ${resource.errorCode} ${resource.errorMessage}`);
      }
      const kind = resource.resourceType === ConfigResourceTypes.TOPIC ? 'topic' : 'broker';
      for (const entry of resource.configEntries) {
        out('config', kind, entry.configName, entry.configValue);
      }
    }
  },

  async alter(admin, topic, ...configs) {
    const configEntries = configs.map((c) => {
      const [name, value] = c.split('=');
      return { name, value };
    });
    const { resources } = await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries }],
    });
    for (const resource of resources) {
      if (resource.errorCode !== 0) {
        throw new Error(`AlterConfigs ${resource.resourceName}: error ${resource.errorCode} ${resource.errorMessage}`);
      }
      out('altered', resource.resourceName);
    }
  },

  async offsets(admin, topic) {
    const offsets = await admin.fetchTopicOffsets(topic);
    offsets.sort((a, b) => a.partition - b.partition)
      .forEach((o) => out('offsets', o.partition, o.low, o.high));
  },

  async 'offsets-at'(admin, topic, timestamp) {
    const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, Number(timestamp));
    offsets.sort((a, b) => a.partition - b.partition).forEach((o) => out('offset-at', o.partition, o.offset));
  },

  async cluster(admin) {
    const { brokers, controller, clusterId } = await admin.describeCluster();
    brokers.forEach((b) => out('broker', b.nodeId, `${b.host}:${b.port}`));
    out('controller', controller);
    out('cluster-id', clusterId);
  },

  async 'set-offset'(admin, group, topic, partition, offset) {
    await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: Number(partition), offset }] });
    out('set', group);
  },

  async 'delete-group'(admin, group) {
    const results = await admin.deleteGroups([group]);
    results.forEach((r) => out('deleted-group', r.groupId, r.errorCode));
  },

  async 'delete-records'(admin, topic, partition, offset) {
    // KafkaJS 2.2.4's deleteTopicRecords looks the leader up in metadata it never loads itself.
    await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: Number(partition), offset }] });
    await commands.offsets(admin, topic);
  },

  async groups(admin, group, topic) {
    const { groups } = await admin.listGroups();
    groups.forEach((g) => out('listed', g.groupId, g.protocolType));
    const described = await admin.describeGroups([group]);
    for (const g of described.groups) {
      out('described', g.groupId, g.state, g.protocolType, g.members.length);
    }
    const fetched = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    for (const t of fetched) {
      t.partitions.sort((a, b) => a.partition - b.partition)
        .forEach((p) => out('committed', t.topic, p.partition, p.offset));
    }
  },
};

main(async () => {
  const { kafka, args } = client('kafkajs-admin');
  const [command, ...rest] = args;
  if (!commands[command]) {
    throw new Error(`unknown command ${command}`);
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    await commands[command](admin, ...rest);
  } finally {
    await admin.disconnect();
  }
});

'use strict';
// Shared by the scripts: a KafkaJS client for the broker named on the command line, and the
// line-oriented output KafkajsIT reads. Every script prints its results as lines of
// space-separated words on stdout; KafkaJS's own log (WARN and above) goes to stderr.

// The default partitioner's change in KafkaJS 2 is announced once per producer; nothing here uses it.
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const { Kafka, logLevel } = require('kafkajs');

/** The client for `node <script> <bootstrap> ...`; the arguments after the bootstrap are returned too. */
function client(clientId) {
  const [bootstrap, ...args] = process.argv.slice(2);
  if (!bootstrap) {
    throw new Error('usage: node <script> <host:port> [arguments]');
  }
  const kafka = new Kafka({
    clientId,
    brokers: [bootstrap],
    logLevel: logLevel.WARN,
    logCreator: () => ({ namespace, level, log }) =>
      process.stderr.write(`${namespace} level=${level} ${JSON.stringify(log)}\n`),
  });
  return { kafka, args };
}

function out(...words) {
  process.stdout.write(words.join(' ') + '\n');
}

/** Runs `body`; any error is printed and ends the process with exit code 1. */
function main(body) {
  body().then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`FAILED ${error && error.stack ? error.stack : error}\n`);
      process.exit(1);
    });
}

/** Resolves once standard input is closed: the test's signal that a long-running script should stop. */
function stdinClosed() {
  return new Promise((resolve) => {
    process.stdin.on('end', resolve);
    process.stdin.on('close', resolve);
    process.stdin.resume();
  });
}

module.exports = { client, out, main, stdinClosed };

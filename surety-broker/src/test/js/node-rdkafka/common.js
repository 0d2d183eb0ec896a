'use strict';
// Shared by the scripts: the broker address from the command line, the line-oriented output
// NodeRdkafkaIT reads, and promise forms of node-rdkafka's callbacks.

const Kafka = require('node-rdkafka');

function args() {
  const [bootstrap, ...rest] = process.argv.slice(2);
  if (!bootstrap) {
    throw new Error('usage: node <script> <host:port> [arguments]');
  }
  return { bootstrap, rest };
}

function out(...words) {
  process.stdout.write(words.join(' ') + '\n');
}

/** Runs `body`; any error is printed and ends the process with exit code 1. */
function main(body) {
  out('librdkafka', Kafka.librdkafkaVersion, Kafka.features.join(','));
  body().then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`FAILED ${error && error.stack ? error.stack : error}\n`);
      process.exit(1);
    });
}

/** `fn(...args, callback)` as a promise. */
function call(target, fn, ...fnArgs) {
  return new Promise((resolve, reject) => {
    target[fn](...fnArgs, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

module.exports = { Kafka, args, out, main, call };

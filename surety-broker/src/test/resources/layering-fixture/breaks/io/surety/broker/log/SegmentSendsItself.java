package io.surety.broker.log;

import io.netty.buffer.ByteBuf;
import io.surety.broker.config.TopicConfig;

/**
 * Breaks the layering: log hands the network layer a file slice and never imports Netty (the
 * config import is allowed). Never compiled.
 */
final class SegmentSendsItself {

    ByteBuf buffer;
    TopicConfig config;
}

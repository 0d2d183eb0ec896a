package io.surety.check.fault;

import io.surety.check.cluster.ClusterRoles;
import io.surety.check.cluster.ClusterTarget;

/**
 * What the cluster faults aim at: the nodes, who leads what, and the topic and group whose leaders
 * and coordinator are the victims.
 *
 * @param cluster   the nodes the check started
 * @param roles     who leads what, asked over the direct listeners
 * @param topic     the topic whose partition 0 leader (or follower) is killed, frozen or isolated
 * @param group     the group whose coordinator is killed
 * @param lossTopic the topic of the acks=1 records: its leader is cut off and killed to provoke their loss
 */
public record ClusterScope(ClusterTarget cluster, ClusterRoles roles, String topic, String group, String lossTopic) {
}

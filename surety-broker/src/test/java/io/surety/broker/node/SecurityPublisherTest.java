package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.cluster.ClusterRecord;
import io.surety.broker.cluster.ClusterStateMachine;
import io.surety.broker.security.ScramCredentials;
import io.surety.broker.security.SecurityStates;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metadata.AccessControlEntryRecord;
import org.apache.kafka.common.metadata.RemoveUserScramCredentialRecord;
import org.apache.kafka.common.metadata.UserScramCredentialRecord;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.server.common.ApiMessageAndVersion;
import org.junit.jupiter.api.Test;

/**
 * A cluster node's SCRAM users follow the committed images: added, changed and removed users
 * reach the credentials its listeners check, a restored snapshot leaves exactly its users, and a
 * kind of record no state here replays (ACLs without an authorizer) is skipped.
 */
class SecurityPublisherTest {

    private final ClusterStateMachine metadata = new ClusterStateMachine();
    private final ScramCredentials credentials = new ScramCredentials();
    private final SecurityPublisher publisher = new SecurityPublisher(new SecurityStates(List.of(credentials)));
    private long index;

    private void commit(ApiMessage... messages) {
        ClusterImage before = metadata.image();
        List<ClusterRecord> records = new java.util.ArrayList<>();
        if (before.clusterId().isEmpty()) {
            records.add(new ClusterRecord.ClusterId("c"));
        }
        for (ApiMessage message : messages) {
            records.add(new ClusterRecord.Security(new ApiMessageAndVersion(message, (short) 0)));
        }
        publisher.imageChanged(before, metadata.replay(++index, records));
    }

    private static UserScramCredentialRecord user(String name, int iterations) {
        return new UserScramCredentialRecord().setName(name).setMechanism((byte) 1).setSalt(new byte[] {1})
                .setStoredKey(new byte[] {2}).setServerKey(new byte[] {3}).setIterations(iterations);
    }

    @Test
    void shouldBringTheCredentialsToEachCommittedImage() {
        commit(user("alice", 4096), user("bob", 4096),
                new AccessControlEntryRecord().setId(new Uuid(1, 2)).setResourceName("t").setPrincipal("User:a").setHost("*"));
        assertThat(credentials.credential("SCRAM-SHA-256", "alice")).isPresent();
        assertThat(credentials.credential("SCRAM-SHA-256", "bob")).isPresent();

        commit(new RemoveUserScramCredentialRecord().setName("bob").setMechanism((byte) 1), user("alice", 9000));
        assertThat(credentials.credential("SCRAM-SHA-256", "bob")).isEmpty();
        assertThat(credentials.credential("SCRAM-SHA-256", "alice").orElseThrow().iterations()).isEqualTo(9000);

        ClusterImage current = metadata.image();
        ClusterStateMachine other = new ClusterStateMachine();
        other.replay(1, List.of(new ClusterRecord.ClusterId("c"),
                new ClusterRecord.Security(new ApiMessageAndVersion(user("carol", 4096), (short) 0))));
        publisher.imageChanged(current, other.image());
        assertThat(credentials.credential("SCRAM-SHA-256", "alice")).as("a restored snapshot without alice").isEmpty();
        assertThat(credentials.credential("SCRAM-SHA-256", "carol")).isPresent();
    }
}

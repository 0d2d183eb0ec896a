package io.surety.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.broker.cluster.ClusterRecord.Security;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metadata.AccessControlEntryRecord;
import org.apache.kafka.common.metadata.RemoveAccessControlEntryRecord;
import org.apache.kafka.common.metadata.RemoveUserScramCredentialRecord;
import org.apache.kafka.common.metadata.UserScramCredentialRecord;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.server.common.ApiMessageAndVersion;
import org.junit.jupiter.api.Test;

/**
 * Users and ACLs in the replicated metadata: committed security records build the image's
 * {@link SecurityImage}, a snapshot of it replays to an equal image, an entry that touches no
 * security record keeps the same security image (so nodes republish nothing), and a removal of
 * what is not there refuses to replay.
 */
class SecurityImageTest {

    private static Security record(ApiMessage message) {
        return new Security(new ApiMessageAndVersion(message, (short) 0));
    }

    private static UserScramCredentialRecord credential(String user, int mechanism, int iterations) {
        return new UserScramCredentialRecord().setName(user).setMechanism((byte) mechanism).setSalt(new byte[] {1})
                .setStoredKey(new byte[] {2}).setServerKey(new byte[] {3}).setIterations(iterations);
    }

    @Test
    void shouldReplayUsersAndAclsAndSnapshotThemToAnEqualImage() {
        ManualController controller = new ManualController(false);
        Uuid aclId = new Uuid(5, 6);
        controller.commit(new Decision<>(List.of(record(credential("alice", 1, 4096)), record(credential("alice", 2, 8192)),
                record(credential("bob", 1, 4096)), record(new AccessControlEntryRecord().setId(aclId).setResourceType((byte) 2)
                        .setResourceName("t").setPatternType((byte) 3).setPrincipal("User:alice").setHost("*")
                        .setOperation((byte) 3).setPermissionType((byte) 3))), null));
        controller.commit(new Decision<>(List.of(record(new RemoveUserScramCredentialRecord().setName("bob").setMechanism((byte) 1)),
                record(credential("alice", 1, 10000))), null));

        SecurityImage security = controller.image().security();
        assertThat(security.hasScram("alice", (byte) 1)).isTrue();
        assertThat(security.hasScram("bob", (byte) 1)).isFalse();
        assertThat(security.scram().get(new SecurityImage.ScramKey("alice", (byte) 1)).iterations()).isEqualTo(10000);
        assertThat(security.acls()).containsOnlyKeys(aclId);

        ClusterStateMachine restored = new ClusterStateMachine();
        restored.restore(controller.image().appliedIndex(), ClusterStateMachine.snapshot(controller.image()));
        assertThat(restored.image()).isEqualTo(controller.image());

        controller.startBrokers(1);
        assertThat(controller.image().security()).as("entries without security records keep the same image")
                .isSameAs(security);

        controller.commit(new Decision<>(List.of(record(new RemoveAccessControlEntryRecord().setId(aclId))), null));
        assertThat(controller.image().security().acls()).isEmpty();
    }

    @Test
    void shouldRefuseToReplayTheRemovalOfWhatIsNotThere() {
        ManualController controller = new ManualController(false);
        ClusterImage before = controller.image();
        assertThatThrownBy(() -> controller.stateMachine.replay(before.appliedIndex() + 1,
                List.of(record(new RemoveUserScramCredentialRecord().setName("nobody").setMechanism((byte) 1)))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no SCRAM credential of nobody");
        assertThat(controller.image()).isEqualTo(before);
    }
}

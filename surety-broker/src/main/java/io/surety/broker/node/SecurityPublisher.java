package io.surety.broker.node;

import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.cluster.SecurityImage;
import io.surety.broker.security.SecurityStates;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.common.metadata.RemoveAccessControlEntryRecord;
import org.apache.kafka.common.metadata.RemoveUserScramCredentialRecord;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Brings this node's security states (the SCRAM credentials its listeners authenticate against;
 * the ACLs once they replicate) up to each committed image: what the image added or changed is
 * replayed, what it dropped is replayed as Kafka's removal record. A restored snapshot is one more
 * image, so a node that catches up from a snapshot ends with exactly its users. Records of a kind
 * no state here replays are skipped. Runs on the metadata-publisher thread, in image order.
 */
final class SecurityPublisher implements ImageListener {

    private final SecurityStates states;

    SecurityPublisher(SecurityStates states) {
        this.states = states;
    }

    @Override
    public void imageChanged(ClusterImage previous, ClusterImage current) {
        SecurityImage before = previous.security();
        SecurityImage after = current.security();
        if (before == after) {
            return;
        }
        publish(before.scram(), after.scram(), key -> new RemoveUserScramCredentialRecord().setName(key.user())
                .setMechanism(key.mechanism()));
        publish(before.acls(), after.acls(), id -> new RemoveAccessControlEntryRecord().setId(id));
        publish(before.quotas(), after.quotas(), key -> before.quotas().get(key).duplicate().setRemove(true).setValue(0));
    }

    private <K, V extends ApiMessage> void publish(Map<K, V> before, Map<K, V> after, Function<K, ApiMessage> removal) {
        before.keySet().stream().filter(key -> !after.containsKey(key)).map(removal).forEach(this::replay);
        after.forEach((key, record) -> {
            if (!Objects.equals(before.get(key), record)) {
                replay(record);
            }
        });
    }

    private void replay(ApiMessage record) {
        if (states.replays(record)) {
            states.replay(record);
        }
    }
}

package io.surety.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ClusterConfigTest {

    /** Node 2 of three combined nodes, as an operator would write it for Kafka. */
    private static Map<String, String> clusterNode(String... overrides) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "node.id", "2",
                "process.roles", "broker,controller",
                "controller.quorum.voters", "1@10.0.0.1:9093,2@10.0.0.2:9093,3@10.0.0.3:9093",
                "listeners", "PLAINTEXT://10.0.0.2:9092,CONTROLLER://10.0.0.2:9093",
                "controller.listener.names", "CONTROLLER"));
        for (int i = 0; i < overrides.length; i += 2) {
            if (overrides[i + 1] == null) {
                settings.remove(overrides[i]);
            } else {
                settings.put(overrides[i], overrides[i + 1]);
            }
        }
        return settings;
    }

    private static void assertRefused(Map<String, String> settings, String... parts) {
        assertThatThrownBy(() -> BrokerConfig.of(settings)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").contains(parts));
    }

    @Test
    void shouldStayASingleNodeWhenNoQuorumSettingIsGiven() {
        BrokerConfig config = BrokerConfig.of(Map.of());

        assertThat(config.cluster().mode()).isEqualTo(ClusterMode.SINGLE_NODE);
        assertThat(config.cluster().voters()).isEmpty();
        assertThat(config.cluster().controllerListener()).isEmpty();
        assertThat(config.network()).isEqualTo(BrokerConfig.defaults().network());
    }

    @Test
    void shouldStayASingleNodeWhenTheOnlyVoterIsThisNode() {
        BrokerConfig config = BrokerConfig.of(Map.of("node.id", "1", "process.roles", "broker,controller",
                "controller.quorum.voters", "1@127.0.0.1:9093", "controller.listener.names", "CONTROLLER",
                "listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093"));

        assertThat(config.cluster().mode()).isEqualTo(ClusterMode.SINGLE_NODE);
        assertThat(config.network().listener()).isEqualTo(new NetworkConfig.Listener("127.0.0.1", 9092));
        assertThat(config.cluster().controllerListener()).hasValue(new ListenerEndpoint("CONTROLLER", "127.0.0.1", 9093));
    }

    @Test
    void shouldStayASingleNodeWhenTheBootstrapServerIsThisNodesOwnControllerListener() {
        BrokerConfig config = BrokerConfig.of(Map.of("process.roles", "broker,controller",
                "controller.quorum.bootstrap.servers", "localhost:9093", "controller.listener.names", "CONTROLLER",
                "listeners", "PLAINTEXT://:9092,CONTROLLER://:9093",
                "advertised.listeners", "PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093"));

        assertThat(config.cluster().mode()).isEqualTo(ClusterMode.SINGLE_NODE);
        assertThat(config.network().listener()).isEqualTo(new NetworkConfig.Listener("0.0.0.0", 9092));
        assertThat(config.network().advertisedListener()).isEqualTo(new NetworkConfig.Listener("localhost", 9092));
    }

    @Test
    void shouldBeAClusterNodeWhenSeveralVotersAreListed() {
        ClusterConfig cluster = BrokerConfig.of(clusterNode()).cluster();

        assertThat(cluster.mode()).isEqualTo(ClusterMode.CLUSTER);
        assertThat(cluster.nodeId()).isEqualTo(2);
        assertThat(cluster.voters()).containsExactly(new QuorumVoter(1, "10.0.0.1", 9093),
                new QuorumVoter(2, "10.0.0.2", 9093), new QuorumVoter(3, "10.0.0.3", 9093));
        assertThat(cluster.ownVoter()).hasValue(new QuorumVoter(2, "10.0.0.2", 9093));
        assertThat(cluster.controllerListener()).hasValue(new ListenerEndpoint("CONTROLLER", "10.0.0.2", 9093));
        assertThat(cluster.advertisedControllerListener()).hasValue(new ListenerEndpoint("CONTROLLER", "10.0.0.2", 9093));
        assertThat(cluster.advertisedInterBrokerListener()).as("Kafka's default inter-broker listener is PLAINTEXT")
                .hasValue(new ListenerEndpoint("PLAINTEXT", "10.0.0.2", 9092));
        assertThat(cluster.listeners().clientListener()).isEqualTo(new ListenerEndpoint("PLAINTEXT", "10.0.0.2", 9092));
    }

    @Test
    void shouldServeClientsOnTheirListenerAndReplicateOnTheInterBrokerOneInEitherOrder() {
        ClusterConfig cluster = BrokerConfig.of(clusterNode(
                "listeners", "REPLICATION://10.0.0.2:9094,PLAINTEXT://10.0.0.2:9092,CONTROLLER://10.0.0.2:9093",
                "inter.broker.listener.name", "replication",
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,REPLICATION:PLAINTEXT,CONTROLLER:PLAINTEXT")).cluster();

        assertThat(cluster.listeners().clientListener().name()).isEqualTo("PLAINTEXT");
        assertThat(cluster.advertisedInterBrokerListener()).hasValue(new ListenerEndpoint("REPLICATION", "10.0.0.2", 9094));
        assertThat(cluster.listeners().brokerListeners()).extracting(ListenerEndpoint::name)
                .containsExactly("REPLICATION", "PLAINTEXT");
    }

    @Test
    void shouldAcceptTheRolesInEitherOrderAndRefuseAnyOtherRolesInClusterMode() {
        assertThat(BrokerConfig.of(clusterNode("process.roles", "controller,broker")).cluster().isCluster()).isTrue();

        assertRefused(clusterNode("process.roles", "controller"), "process.roles=controller",
                "either broker,controller (a voter of the quorum) or broker");
        assertRefused(clusterNode("process.roles", null), "process.roles=:", "set process.roles=broker,controller");
        assertRefused(clusterNode("process.roles", "broker,observer"), "process.roles");
        assertRefused(clusterNode("process.roles", "broker,broker"), "process.roles");
    }

    @Test
    void shouldRefuseAVoterListThatDoesNotNameACombinedNode() {
        assertRefused(clusterNode("node.id", "4"), "controller.quorum.voters=1@10.0.0.1:9093,2@10.0.0.2:9093,3@10.0.0.3:9093",
                "does not name this node (node.id=4)", "add 4@host:port, or fix node.id", "process.roles=broker");
        assertRefused(clusterNode("controller.quorum.voters", "1@10.0.0.1:9093"), "does not name this node (node.id=2)");
    }

    @Test
    void shouldAcceptABrokerOnlyNodeOutsideTheVotersWithAControllerListenerOfItsOwn() {
        BrokerConfig config = BrokerConfig.of(clusterNode("node.id", "4", "process.roles", "broker",
                "listeners", "PLAINTEXT://10.0.0.4:9092,CONTROLLER://10.0.0.4:9093"));

        assertThat(config.cluster().isCluster()).isTrue();
        assertThat(config.cluster().isVoter()).isFalse();
        assertThat(config.cluster().ownVoter()).isEmpty();
        assertThat(config.cluster().advertisedControllerListener()).map(ListenerEndpoint::toString)
                .hasValue("CONTROLLER://10.0.0.4:9093");
        assertThat(BrokerConfig.of(clusterNode()).cluster().isVoter()).isTrue();
    }

    @Test
    void shouldRefuseABrokerOnlyNodeThatIsAVoterOrHasNoControllerListener() {
        assertRefused(clusterNode("process.roles", "broker"), "process.roles=broker but controller.quorum.voters=",
                "names this node (node.id=2)", "set process.roles=broker,controller, or remove node 2 from the voters");
        assertRefused(clusterNode("node.id", "4", "process.roles", "broker", "listeners", "PLAINTEXT://10.0.0.4:9092"),
                "process.roles=broker", "receives the cluster's metadata on a controller listener of its own",
                "add CONTROLLER://host:port to listeners");
    }

    @Test
    void shouldRefuseMalformedOrDuplicatedVoters() {
        assertRefused(clusterNode("controller.quorum.voters", "1@10.0.0.1:9093,2@10.0.0.2"), "controller.quorum.voters",
                "each voter is id@host:port");
        assertRefused(clusterNode("controller.quorum.voters", "one@10.0.0.1:9093"), "each voter is id@host:port");
        assertRefused(clusterNode("controller.quorum.voters", "1@10.0.0.1:9093,2@10.0.0.2:9093,2@10.0.0.3:9093"),
                "node 2 is listed twice");
    }

    @Test
    void shouldRefuseADynamicQuorumOfOtherNodes() {
        assertRefused(clusterNode("controller.quorum.voters", null, "controller.quorum.bootstrap.servers",
                "10.0.0.1:9093,10.0.0.3:9093"), "controller.quorum.bootstrap.servers=10.0.0.1:9093,10.0.0.3:9093",
                "a dynamic quorum is not supported", "controller.quorum.voters=id@host:port");
        assertRefused(clusterNode("controller.quorum.bootstrap.servers", "10.0.0.1"), "each entry is host:port");
    }

    @Test
    void shouldRefuseAControllerListenerThatIsUnnamedMissingOrOnAnotherPortThanTheVoterEntry() {
        assertRefused(clusterNode("controller.listener.names", null, "listener.security.protocol.map",
                "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"), "controller.listener.names is not set",
                "CONTROLLER://10.0.0.2:9093");
        assertRefused(clusterNode("listeners", "PLAINTEXT://10.0.0.2:9092"), "controller listener CONTROLLER is not in "
                + "listeners=PLAINTEXT://10.0.0.2:9092", "add CONTROLLER://10.0.0.2:9093");
        assertRefused(clusterNode("listeners", "PLAINTEXT://10.0.0.2:9092,CONTROLLER://10.0.0.2:9095"),
                "listener CONTROLLER://10.0.0.2:9095 has port 9095 but this node's voter entry 2@10.0.0.2:9093",
                "make them the same");
    }

    @Test
    void shouldMapTheControllerListenerToPlaintextOnlyWhenTheMapIsUnsetAsKafkaDoes() {
        assertThat(BrokerConfig.of(clusterNode()).cluster().listeners().securityProtocols())
                .containsEntry("CONTROLLER", "PLAINTEXT").containsEntry("PLAINTEXT", "PLAINTEXT");

        assertRefused(clusterNode("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT"),
                "listener CONTROLLER has no security protocol", "CONTROLLER:PLAINTEXT");
        assertRefused(clusterNode("listeners", "CLIENT://10.0.0.2:9092,CONTROLLER://10.0.0.2:9093"),
                "listener CLIENT has no security protocol", "CLIENT:PLAINTEXT");
    }

    @Test
    void shouldTakeReplicationOverTlsAndRefuseSaslAndGssapiSayingWhatToSet() {
        assertThat(BrokerConfig.of(clusterNode("listener.security.protocol.map", "PLAINTEXT:SSL,CONTROLLER:PLAINTEXT",
                "ssl.keystore.location", "/etc/surety/broker.p12", "ssl.keystore.password", "x"))
                .cluster().listeners().isTls("PLAINTEXT")).as("replication over TLS").isTrue();
        assertRefused(clusterNode("listener.security.protocol.map", "PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT"),
                "inter.broker.listener.name=PLAINTEXT takes SASL_PLAINTEXT, but brokers do not replicate over SASL yet");
        assertRefused(clusterNode("listener.security.protocol.map", "PLAINTEXT:SASL_SSL,CONTROLLER:PLAINTEXT"),
                "inter.broker.listener.name=PLAINTEXT takes SASL_SSL");
        assertRefused(clusterNode("listeners",
                        "PLAINTEXT://10.0.0.2:9092,SASL_PLAINTEXT://10.0.0.2:9094,CONTROLLER://10.0.0.2:9093"),
                "listener SASL_PLAINTEXT takes SASL with GSSAPI", "set sasl.enabled.mechanisms to PLAIN");
        assertRefused(clusterNode("listener.security.protocol.map", "PLAINTEXT:KERBEROS"), "unknown security protocol KERBEROS");
    }

    @Test
    void shouldRefuseTheControllerListenerOrAMissingListenerAsTheInterBrokerListener() {
        assertRefused(clusterNode("inter.broker.listener.name", "CONTROLLER"),
                "inter.broker.listener.name=CONTROLLER names the controller listener", "set inter.broker.listener.name "
                        + "to one of PLAINTEXT");
        assertRefused(clusterNode("inter.broker.listener.name", "REPLICATION"),
                "inter.broker.listener.name=REPLICATION is not a listener of this node");
        assertRefused(clusterNode("listeners", "CLIENT://10.0.0.2:9092,CONTROLLER://10.0.0.2:9093",
                "listener.security.protocol.map", "CLIENT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                "inter.broker.listener.name=PLAINTEXT is not a listener of this node", "to one of CLIENT");
    }

    @Test
    void shouldRefuseAdvertisingWhatOthersCannotReachOrWhatIsNotBound() {
        assertRefused(clusterNode("advertised.listeners", "PLAINTEXT://0.0.0.0:9092"), "0.0.0.0 is not an address");
        assertRefused(clusterNode("advertised.listeners", "EXTERNAL://broker.example:9092",
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                "listener EXTERNAL is not in listeners");
        assertRefused(clusterNode("listeners", "CONTROLLER://10.0.0.2:9093"), "every listener is a controller listener");
    }

    @Test
    void shouldAllowReplicationAboveOneOnlyInClusterMode() {
        BrokerConfig cluster = BrokerConfig.of(clusterNode("default.replication.factor", "3", "min.insync.replicas", "2"));
        assertThat(cluster.topics().defaultReplicationFactor()).isEqualTo((short) 3);
        assertThat(TopicConfig.of(cluster, Map.of()).minInsyncReplicas()).as("the broker default").isEqualTo(2);
        assertThat(TopicConfig.of(cluster, Map.of("min.insync.replicas", "3")).minInsyncReplicas()).isEqualTo(3);

        assertRefused(Map.of("default.replication.factor", "3"), "default.replication.factor",
                "a replication factor above 1 needs cluster mode");
        BrokerConfig single = BrokerConfig.of(Map.of("min.insync.replicas", "2"));
        assertThat(TopicConfig.of(single, Map.of()).minInsyncReplicas()).isEqualTo(1);
        assertThat(single.warnings()).anyMatch(line -> line.contains("'min.insync.replicas'=2 has no effect"));
        assertThatThrownBy(() -> TopicConfig.of(single, Map.of("min.insync.replicas", "2")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("min.insync.replicas")
                .hasMessageContaining("above 1 needs cluster mode");
    }

    @Test
    void shouldWarnAboutClusterKeysThatDoNothingOnASingleNode() {
        BrokerConfig config = BrokerConfig.of(Map.of("replica.lag.time.max.ms", "10000", "process.roles", "broker",
                "broker.id", "1"));

        assertThat(config.warnings()).containsExactly(
                "'broker.id' is accepted for compatibility with Apache Kafka but has no effect in Surety",
                "'replica.lag.time.max.ms' has no effect on a single node (it matters in cluster mode)",
                "'process.roles'=broker has no effect on a single node, which is always broker and controller");
        assertThat(BrokerConfig.of(clusterNode("replica.lag.time.max.ms", "10000")).warnings()).isEmpty();
    }

    @Test
    void shouldWarnThatOneFetcherPerSourceBrokerRunsWhenMoreAreConfigured() {
        assertThat(BrokerConfig.of(clusterNode("num.replica.fetchers", "4")).warnings()).containsExactly(
                "'num.replica.fetchers'=4 is accepted, but Surety runs one replica fetcher per source broker");
        assertThat(BrokerConfig.of(clusterNode("num.replica.fetchers", "1")).warnings()).isEmpty();
    }
}

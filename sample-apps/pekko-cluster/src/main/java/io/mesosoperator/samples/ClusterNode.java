package io.mesosoperator.samples;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.apache.pekko.management.javadsl.PekkoManagement;

/**
 * One node of the sample Pekko cluster service: an ActorSystem with the cluster provider, a typed actor that
 * logs membership changes, and Pekko Management HTTP ({@code /cluster/members}, {@code /alive}, {@code /ready}).
 *
 * <p>Configuration: the {@code application.conf} in this jar (hosts and ports from {@code CLUSTER_HOST},
 * {@code CLUSTER_PORT}, {@code MANAGEMENT_HOST}, {@code MANAGEMENT_PORT}), overridden by {@code -D} system
 * properties as usual. Seed nodes: {@code -Dpekko.cluster.seed-nodes.0=pekko://sample-cluster@host:port} (and
 * {@code .1}, ...) or, when no such system property is given, the environment variable
 * {@code SEED_NODES=host:port,host:port} (entries may also be full {@code pekko://...} addresses).
 */
public final class ClusterNode {

  /** The actor system name: part of every node address, so it must be the same on all nodes. */
  public static final String SYSTEM_NAME = "sample-cluster";

  private ClusterNode() {}

  public static void main(String[] args) {
    Config config = withSeedNodes(ConfigFactory.load(), System.getenv("SEED_NODES"));
    ActorSystem<Void> system = ActorSystem.create(guardian(), SYSTEM_NAME, config);
    PekkoManagement.get(system).start().whenComplete((uri, error) -> {
      if (error != null) {
        // e.g. the management port is taken: without the HTTP endpoint nobody can tell this node is ready
        system.log().error("Pekko Management did not start, exiting", error);
        System.exit(1);
      }
      system.log().info("Pekko Management listening on {}", uri);
    });
  }

  static Behavior<Void> guardian() {
    return Behaviors.setup(context -> {
      context.spawn(MemberLogger.create(), "member-logger");
      return Behaviors.empty();
    });
  }

  /**
   * Adds {@code pekko.cluster.seed-nodes} from {@code SEED_NODES} unless a system property already sets them.
   */
  static Config withSeedNodes(Config loaded, String seedNodesEnv) {
    boolean fromProperties = System.getProperties().stringPropertyNames().stream()
        .anyMatch(name -> name.startsWith("pekko.cluster.seed-nodes"));
    if (fromProperties || seedNodesEnv == null || seedNodesEnv.isBlank()) {
      return loaded;
    }
    return loaded.withValue("pekko.cluster.seed-nodes",
        ConfigValueFactory.fromIterable(seedAddresses(seedNodesEnv)));
  }

  /** {@code "h1:p1, h2:p2"} -> {@code ["pekko://sample-cluster@h1:p1", "pekko://sample-cluster@h2:p2"]}. */
  static List<String> seedAddresses(String seedNodes) {
    List<String> addresses = new ArrayList<>();
    for (String entry : seedNodes.split(",")) {
      String seed = entry.trim();
      if (seed.isEmpty()) {
        continue;
      }
      if (seed.startsWith("pekko://")) {
        addresses.add(seed);
      } else if (seed.lastIndexOf(':') > 0) {
        addresses.add("pekko://" + SYSTEM_NAME + "@" + seed);
      } else {
        throw new IllegalArgumentException("SEED_NODES entry '" + seed + "' is not host:port");
      }
    }
    return addresses;
  }

  /** The trivial typed actor: logs what the cluster does. */
  static final class MemberLogger {
    private MemberLogger() {}

    static Behavior<ClusterEvent.ClusterDomainEvent> create() {
      return Behaviors.setup(context -> {
        Cluster cluster = Cluster.get(context.getSystem());
        context.getLog().info("node {} starting, seed nodes {}", cluster.selfMember().address(),
            context.getSystem().settings().config().getStringList("pekko.cluster.seed-nodes"));
        cluster.subscriptions().tell(Subscribe.create(context.getSelf(), ClusterEvent.ClusterDomainEvent.class));
        return Behaviors.receive(ClusterEvent.ClusterDomainEvent.class)
            .onMessage(ClusterEvent.MemberEvent.class, event -> {
              context.getLog().info("member {} is {}", event.member().address(), event.member().status());
              return Behaviors.same();
            })
            .onMessage(ClusterEvent.UnreachableMember.class, event -> {
              context.getLog().info("member {} is unreachable", event.member().address());
              return Behaviors.same();
            })
            .onMessage(ClusterEvent.ReachableMember.class, event -> {
              context.getLog().info("member {} is reachable again", event.member().address());
              return Behaviors.same();
            })
            .onMessage(ClusterEvent.ClusterDomainEvent.class, event -> Behaviors.same())
            .build();
      });
    }
  }
}

package io.mesosoperator.scheduler.api;

import io.mesosoperator.scheduler.operator.Operator;
import io.mesosoperator.scheduler.store.ResourceReads;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Which operator the API talks to: the acting one while this instance leads, else a read-only
 * view of ZooKeeper. Writes on a follower are refused with 503 naming the leader.
 */
public final class OperatorAccess {
    private final Supplier<Operator> acting;
    private final ResourceReads followerView;
    /** The leading operator's API URL when it is another instance than this one. */
    private final Supplier<Optional<String>> otherLeader;

    OperatorAccess(Supplier<Operator> acting, ResourceReads followerView, Supplier<Optional<String>> otherLeader) {
        this.acting = acting;
        this.followerView = followerView;
        this.otherLeader = otherLeader;
    }

    /** Whether this instance is the acting operator. */
    boolean acting() {
        return acting.get() != null;
    }

    /** The leader's API URL, when another instance is known to lead. */
    Optional<String> otherLeader() {
        return otherLeader.get();
    }

    ResourceReads reads() {
        Operator operator = acting.get();
        return operator != null ? operator : followerView;
    }

    /** The acting operator, or the 503 answer that says where the leader is. */
    Operator writer() throws NotLeader {
        Operator operator = acting.get();
        if (operator == null) {
            throw new NotLeader(ApiErrors.of(503, notLeaderMessage()));
        }
        return operator;
    }

    /** Why this instance takes no writes, naming the leader when another instance is known to lead. */
    public String notLeaderMessage() {
        return otherLeader.get().map(leader -> "this operator is a follower; send writes to the leader at " + leader)
                .orElse("this operator is not the leader and no leader is elected yet; retry shortly");
    }

    /** A write reached a follower. */
    static final class NotLeader extends Exception {
        final transient Response response;

        NotLeader(Response response) {
            super("not the leader");
            this.response = response;
        }
    }
}

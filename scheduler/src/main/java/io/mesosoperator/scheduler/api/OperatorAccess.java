package io.mesosoperator.scheduler.api;

import io.mesosoperator.scheduler.operator.Operator;
import io.mesosoperator.scheduler.state.Leadership;
import io.mesosoperator.scheduler.store.ResourceReads;
import jakarta.ws.rs.core.Response;
import java.util.function.Supplier;

/**
 * Which operator the API talks to: the acting one while this instance leads, else a read-only
 * view of ZooKeeper. Writes on a follower are refused with 503 naming the leader.
 */
public final class OperatorAccess {
    private final Supplier<Operator> acting;
    private final ResourceReads followerView;
    private final Supplier<Leadership> leadership;

    OperatorAccess(Supplier<Operator> acting, ResourceReads followerView, Supplier<Leadership> leadership) {
        this.acting = acting;
        this.followerView = followerView;
        this.leadership = leadership;
    }

    ResourceReads reads() {
        Operator operator = acting.get();
        return operator != null ? operator : followerView;
    }

    /** The acting operator, or the 503 answer that says where the leader is. */
    Operator writer() throws NotLeader {
        Operator operator = acting.get();
        if (operator == null) {
            Leadership l = leadership.get();
            String leader = l == null ? null : l.leader().orElse(null);
            throw new NotLeader(ApiErrors.of(503, leader == null
                    ? "this operator is not the leader and no leader is elected yet; retry shortly"
                    : "this operator is a follower; send writes to the leader at " + leader));
        }
        return operator;
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

package io.streambus.client.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.internal.net.Errors;
import io.streambus.client.internal.net.FakeNetwork;
import io.streambus.client.producer.XaBranchException;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.txn.EndXaBranchRequest;
import io.streambus.protocol.txn.EndXaBranchResponse;
import io.streambus.protocol.txn.InitProducerIdRequest;
import io.streambus.protocol.txn.InitProducerIdResponse;
import io.streambus.protocol.txn.ListXaBranchesRequest;
import io.streambus.protocol.txn.ListXaBranchesResponse;
import io.streambus.protocol.txn.XaAction;
import io.streambus.protocol.txn.XaBranch;
import io.streambus.protocol.txn.Xid;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The admin side of two-phase commit (B.7.8.4, B.7.8.5, B.7.8.7) and of hanging transactions, on the fake network. */
class AdminXaTest {
    private static final Xid XID = new Xid(7, "gtrid".getBytes(StandardCharsets.US_ASCII),
            "b".getBytes(StandardCharsets.US_ASCII));
    private final FakeNetwork net = new FakeNetwork(FakeNetwork.config(Map.of()));
    private final AdminImpl admin = new AdminImpl(net.newContext());

    @AfterEach
    void close() {
        net.close();
    }

    private static Throwable failure(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        return Errors.unwrap(f.handle((v, e) -> e).join());
    }

    @Test
    void recoverListsPreparedAndHeuristicBranchesOfThePrefix() {
        net.capabilities(FakeNetwork.EOS_CAPABILITIES);
        CompletableFuture<List<Xid>> f = admin.recoverXaBranches("jms.app1");
        FakeNetwork.Request r = net.next(ApiKey.LIST_XA_BRANCHES);
        ListXaBranchesRequest body = r.body(ListXaBranchesRequest.class);
        assertThat(body.transactionalIdPrefix()).isEqualTo("jms.app1:xa:");
        assertThat(body.states()).containsExactly("Prepared", "HeuristicCommit", "HeuristicRollback");
        r.respond(new ListXaBranchesResponse(List.of(new XaBranch(XID.transactionId("jms.app1"), XID, "Prepared", 5,
                (short) 0, 1000, TopicPartitions.empty(), List.of()))));
        assertThat(f.join()).containsExactly(XID);
    }

    @Test
    void decisionsByXidCarryTheDerivedTransactionIdAndMapReplies() {
        net.capabilities(FakeNetwork.EOS_CAPABILITIES);
        CompletableFuture<Void> commit = admin.commitXaBranch("p", XID);
        FakeNetwork.Request r = net.next(ApiKey.END_XA_BRANCH);
        EndXaBranchRequest body = r.body(EndXaBranchRequest.class);
        assertThat(body.transactionalId()).isEqualTo(XID.transactionId("p"));
        assertThat(body.action()).isEqualTo(XaAction.COMMIT);
        assertThat(body.heuristic()).isFalse();
        r.respondError(ErrorCode.HEURISTIC_ROLLBACK, "operator");
        assertThat(((XaBranchException) failure(commit)).xaErrorCode()).isEqualTo(XaBranchException.XA_HEURRB);

        CompletableFuture<Void> heuristic = admin.decideXaBranchHeuristically("p", XID, false);
        FakeNetwork.Request h = net.next(ApiKey.END_XA_BRANCH);
        assertThat(h.body(EndXaBranchRequest.class).heuristic()).isTrue();
        assertThat(h.body(EndXaBranchRequest.class).action()).isEqualTo(XaAction.ROLLBACK);
        h.respond(new EndXaBranchResponse());
        heuristic.join();

        CompletableFuture<Void> forget = admin.forgetXaBranch("p", XID);
        FakeNetwork.Request fr = net.next(ApiKey.END_XA_BRANCH);
        assertThat(fr.body(EndXaBranchRequest.class).action()).isEqualTo(XaAction.FORGET);
        fr.respondError(ErrorCode.UNKNOWN_XID, "gone");
        assertThat(((XaBranchException) failure(forget)).xaErrorCode()).isEqualTo(XaBranchException.XAER_NOTA);

        CompletableFuture<Void> rollback = admin.rollbackXaBranch("p", XID);
        net.next(ApiKey.END_XA_BRANCH).respond(new EndXaBranchResponse());
        rollback.join();
    }

    @Test
    void abortingAHangingTransactionReRegistersItsId() {
        net.capabilities(FakeNetwork.EOS_CAPABILITIES);
        CompletableFuture<Void> f = admin.abortTransaction("stuck-app");
        FakeNetwork.Request r = net.next(ApiKey.INIT_PRODUCER_ID);
        assertThat(r.body(InitProducerIdRequest.class).transactionalId()).isEqualTo("stuck-app");
        r.respond(new InitProducerIdResponse(9, (short) 4));
        f.join();
    }

    @Test
    void withoutTheCapabilitiesEverythingFailsAtOnce() {
        assertThat(failure(admin.recoverXaBranches("p"))).isInstanceOf(UnsupportedFeatureException.class)
                .satisfies(e -> assertThat(((UnsupportedFeatureException) e).capability())
                        .isEqualTo("two-phase-commit"));
        Throwable commit = failure(admin.commitXaBranch("p", XID));
        assertThat(commit).isInstanceOf(XaBranchException.class);
        assertThat(commit.getCause()).isInstanceOf(UnsupportedFeatureException.class);
        assertThat(failure(admin.abortTransaction("x"))).isInstanceOf(UnsupportedFeatureException.class);
        assertThat(net.requests()).isEmpty();
    }
}

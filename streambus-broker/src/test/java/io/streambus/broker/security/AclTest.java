package io.streambus.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.broker.security.RequestAuthorization.Scope;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AclTest {
    private static final String ACL = """
            # principal      operations        resource
            allow alice      produce,fetch     topic:orders
            allow alice      group             group:order-workers   # trailing comment
            allow "Jane Doe" fetch             topic:metrics-*
            allow *          describe          topic:public-*
            allow svc-*      produce           topic:svc-events
            allow admin      *                 topic:*
            allow admin      *                 group:*
            allow admin      admin             cluster
            allow txn-app    produce           txn:app-*
            ALLOW anonymous  fetch             topic:open
            """;

    private final Authorizer authz = Authorizer.of(parse(ACL));

    @Test
    void exactRulesAllowOnlyWhatTheyName() {
        assertThat(authz.authorize("alice", Operation.PRODUCE, ResourceType.TOPIC, "orders")).isTrue();
        assertThat(authz.authorize("alice", Operation.FETCH, ResourceType.TOPIC, "orders")).isTrue();
        assertThat(authz.authorize("alice", Operation.ADMIN, ResourceType.TOPIC, "orders")).isFalse();
        assertThat(authz.authorize("alice", Operation.PRODUCE, ResourceType.TOPIC, "orders2")).isFalse();
        assertThat(authz.authorize("alice", Operation.GROUP, ResourceType.GROUP, "order-workers")).isTrue();
        assertThat(authz.authorize("alice", Operation.GROUP, ResourceType.GROUP, "orders")).isFalse();
        assertThat(authz.authorize("bob", Operation.FETCH, ResourceType.TOPIC, "orders")).isFalse();
        assertThat(authz.authorize("anonymous", Operation.FETCH, ResourceType.TOPIC, "open")).isTrue();
        assertThat(authz.authorize("anonymous", Operation.PRODUCE, ResourceType.TOPIC, "open")).isFalse();
    }

    @Test
    void anyOperationImpliesDescribeOnTheSameResource() {
        assertThat(authz.authorize("alice", Operation.DESCRIBE, ResourceType.TOPIC, "orders")).isTrue();
        assertThat(authz.authorize("alice", Operation.DESCRIBE, ResourceType.GROUP, "order-workers")).isTrue();
        assertThat(authz.authorize("alice", Operation.DESCRIBE, ResourceType.TOPIC, "other")).isFalse();
        assertThat(authz.authorize("alice", Operation.DESCRIBE, ResourceType.CLUSTER, null)).isFalse();
    }

    @Test
    void wildcards() {
        assertThat(authz.authorize("Jane Doe", Operation.FETCH, ResourceType.TOPIC, "metrics-cpu")).isTrue();
        assertThat(authz.authorize("Jane Doe", Operation.FETCH, ResourceType.TOPIC, "metrics-")).isTrue();
        assertThat(authz.authorize("Jane Doe", Operation.FETCH, ResourceType.TOPIC, "metrics")).isFalse();
        assertThat(authz.authorize("anyone", Operation.DESCRIBE, ResourceType.TOPIC, "public-x")).isTrue();
        assertThat(authz.authorize("anyone", Operation.FETCH, ResourceType.TOPIC, "public-x")).isFalse();
        assertThat(authz.authorize("svc-billing", Operation.PRODUCE, ResourceType.TOPIC, "svc-events")).isTrue();
        assertThat(authz.authorize("svc", Operation.PRODUCE, ResourceType.TOPIC, "svc-events")).isFalse();
        assertThat(authz.authorize("admin", Operation.ADMIN, ResourceType.TOPIC, "anything")).isTrue();
        assertThat(authz.authorize("admin", Operation.ADMIN, ResourceType.GROUP, "g")).isTrue();
        assertThat(authz.authorize("admin", Operation.ADMIN, ResourceType.CLUSTER, null)).isTrue();
        assertThat(authz.authorize("txn-app", Operation.PRODUCE, ResourceType.TRANSACTIONAL_ID, "app-1")).isTrue();
        assertThat(authz.authorize("txn-app", Operation.PRODUCE, ResourceType.TOPIC, "app-1")).isFalse();
    }

    @Test
    void defaultDenyWithAFileAndAllowAllWithout() {
        Authorizer empty = Authorizer.of(parse("# nothing allowed\n"));
        assertThat(empty.isAllowAll()).isFalse();
        assertThat(empty.authorize("admin", Operation.FETCH, ResourceType.TOPIC, "t")).isFalse();
        assertThat(Authorizer.allowAll().isAllowAll()).isTrue();
        assertThat(Authorizer.allowAll().authorize("anonymous", Operation.ADMIN, ResourceType.CLUSTER, null))
                .isTrue();
    }

    @Test
    void syntaxErrorsNameTheLine() {
        assertParseError("allow alice produce\n", 1, "expected: allow <principal> <operations> <resource>");
        assertParseError("\ndeny alice produce topic:x\n", 2, "must start with 'allow'");
        assertParseError("allow alice prodcue topic:x\n", 1, "unknown operation 'prodcue'");
        assertParseError("allow alice fetch group:g\n", 1, "does not apply to group");
        assertParseError("allow alice fetch cluster\n", 1, "does not apply to cluster");
        assertParseError("allow alice fetch queue:x\n", 1, "unknown resource");
        assertParseError("allow alice fetch topic:\n", 1, "empty topic pattern");
        assertParseError("allow alice fetch topic:a*b\n", 1, "only allowed as the last character");
        assertParseError("allow *x fetch topic:a\n", 1, "only allowed as the last character");
        assertParseError("allow \"Jane fetch topic:a\n", 1, "unterminated quote");
        assertParseError("allow alice fetch, topic:a\n", 1, "unknown operation ''");
    }

    @Test
    void loadsFromAFile(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("acl.txt"), ACL);
        assertThat(Authorizer.fromFile(f).authorize("alice", Operation.FETCH, ResourceType.TOPIC, "orders")).isTrue();
        Path bad = Files.writeString(dir.resolve("bad.txt"), "allow x y\n");
        assertThatThrownBy(() -> Authorizer.fromFile(bad)).isInstanceOf(AclFileException.class)
                .hasMessageStartingWith(bad + " line 1:");
    }

    @Test
    void requestTableAndDenialMessages() {
        RequestAuthorization produce = RequestAuthorization.forType(0x01).orElseThrow();
        assertThat(produce.checks()).singleElement().satisfies(c -> {
            assertThat(c.operation()).isEqualTo(Operation.PRODUCE);
            assertThat(c.resourceType()).isEqualTo(ResourceType.TOPIC);
            assertThat(c.scope()).isEqualTo(Scope.REQUEST);
            assertThat(c.denialCode()).isEqualTo(41);
            assertThat(c.denialMessage("bob", "orders")).isEqualTo(
                    "Access denied: principal 'bob' is not authorized to perform 'TOPIC_WRITE' on resource 'orders'");
        });
        assertThat(authz.authorize("bob", produce.checks().get(0), "orders")).isFalse();
        assertThat(authz.authorize("alice", produce.checks().get(0), "orders")).isTrue();

        RequestAuthorization commit = RequestAuthorization.forType(0x0C).orElseThrow();
        assertThat(commit.checks()).extracting(RequestAuthorization.Check::denialCode).containsExactly(27, 41);
        assertThat(commit.checks()).extracting(RequestAuthorization.Check::scope)
                .containsExactly(Scope.REQUEST, Scope.PER_ITEM);
        assertThat(RequestAuthorization.forType(0x06).orElseThrow().checks().get(0).scope()).isEqualTo(Scope.FILTER);
        assertThat(RequestAuthorization.forType(0x07).orElseThrow().checks()).isEmpty();
        assertThat(RequestAuthorization.forType(0x22).orElseThrow().checks()).isEmpty();
        assertThat(RequestAuthorization.forType(0x15)).isEmpty();
        assertThat(RequestAuthorization.forType(-1)).isEmpty();
        for (RequestAuthorization r : RequestAuthorization.values()) {
            for (RequestAuthorization.Check c : r.checks()) {
                assertThat(c.resourceType().operations()).as(r + " " + c).contains(c.operation());
                assertThat(c.denialCode()).as(r.name()).isIn(c.scope() == Scope.FILTER ? 0 : 41,
                        c.resourceType() == ResourceType.GROUP ? 27 : 41);
            }
        }
    }

    private static AclFile parse(String text) {
        try {
            return AclFile.parse(text, "acl.txt");
        } catch (AclFileException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertParseError(String text, int line, String messagePart) {
        assertThatThrownBy(() -> AclFile.parse(text, "acl.txt")).isInstanceOfSatisfying(AclFileException.class,
                e -> assertThat(e.line()).isEqualTo(line)).hasMessageContaining(messagePart)
                .hasMessageStartingWith("acl.txt line " + line + ": ");
    }
}

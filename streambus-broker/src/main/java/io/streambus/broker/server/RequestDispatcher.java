package io.streambus.broker.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.streambus.broker.group.GroupCoordinator;
import io.streambus.broker.log.AppendResult;
import io.streambus.broker.log.FlushPolicy;
import io.streambus.broker.log.LogException;
import io.streambus.broker.log.LogManager;
import io.streambus.broker.log.PartitionLog;
import io.streambus.broker.log.ReadResult;
import io.streambus.broker.log.UnknownTopicException;
import io.streambus.broker.security.Authenticator;
import io.streambus.broker.security.Authorizer;
import io.streambus.broker.security.RequestAuthorization;
import io.streambus.broker.security.SaslServerSession;
import io.streambus.broker.txn.EosService;
import io.streambus.broker.txn.TxnException;
import io.streambus.broker.share.ShareCoordinator;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ApiVersion;
import io.streambus.protocol.ApiVersionsResponse;
import io.streambus.protocol.message.CompressionCodec;
import io.streambus.protocol.core.CreateTopicRequest;
import io.streambus.protocol.core.CreateTopicResponse;
import io.streambus.protocol.DecodedRequest;
import io.streambus.protocol.core.DeleteTopicRequest;
import io.streambus.protocol.core.DeleteTopicResponse;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.core.FetchRequest;
import io.streambus.protocol.core.FetchResponse;
import io.streambus.protocol.Frames;
import io.streambus.protocol.core.GetOffsetRequest;
import io.streambus.protocol.core.GetOffsetResponse;
import io.streambus.protocol.core.HealthCheckResponse;
import io.streambus.protocol.core.ListTopicsResponse;
import io.streambus.protocol.message.MessageBlock;
import io.streambus.protocol.core.ProduceRequest;
import io.streambus.protocol.core.ProduceResponse;
import io.streambus.protocol.ProtocolException;
import io.streambus.protocol.RequestCodec;
import io.streambus.protocol.RequestHeader;
import io.streambus.protocol.security.SaslAuthenticateRequest;
import io.streambus.protocol.security.SaslAuthenticateResponse;
import io.streambus.protocol.security.SaslHandshakeRequest;
import io.streambus.protocol.security.SaslHandshakeResponse;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.ResponseCodec;
import io.streambus.protocol.core.TopicInfo;
import io.streambus.protocol.TopicNames;
import io.streambus.security.SaslAuthenticationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles every request type the broker serves, with the checks of spec B.2 in order: type served (code 1, or a
 * close without reply in core-only mode, A.8.7), connection state, version (code 11), flags (code 2), payload (code
 * 2, or 4/12 for compressed Produce blocks, B.11), then the type's own checks (A.6).
 *
 * <p>Threading: cheap work runs on the connection's event loop. Work that can block on the disk (appends with
 * {@link FlushPolicy#EVERY_WRITE}, topic creation and deletion, which sync directories) and CPU-heavy work
 * (compression) runs on the {@code worker} executor; the {@link ConnectionHandler} keeps replies in request order
 * either way. Thread-safe.
 */
final class RequestDispatcher implements RequestProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(RequestDispatcher.class);

    /** Fetch reply bytes around the messages: length, header (11), high-water mark, count, CRC. */
    static final int FETCH_OVERHEAD = FetchResponse.PLAIN_FRAME_OVERHEAD;
    /** Compressed-layout Fetch reply overhead: as above plus codec (1), uncompressed size (4), block length (4). */
    static final int COMPRESSED_FETCH_OVERHEAD = FetchResponse.frameSize(MessageBlock.BLOCK_OVERHEAD,
            Frames.FLAG_COMPRESSED);

    /** What an operator's heuristic EndXaBranch needs besides write on the transaction id (B.7.8.4). */
    private static final RequestAuthorization.Check CLUSTER_ALTER = new RequestAuthorization.Check(
            io.streambus.broker.security.Operation.ADMIN, io.streambus.broker.security.ResourceType.CLUSTER,
            RequestAuthorization.Scope.REQUEST, ErrorCode.AUTHORIZATION_FAILED, "CLUSTER_ALTER");

    /** Requests (other than Produce and Fetch) larger than this are decoded on the worker, not the event loop. */
    static final int LARGE_DECODE_BYTES = 64 * 1024;

    /** Name the broker gives itself in ApiVersions. */
    public static final String SOFTWARE = "streambus-java-broker/" + version();

    private final BrokerConfig config;
    private final LogManager logs;
    private final Executor worker;
    private final long startNanos = System.nanoTime();
    private final boolean[] served = new boolean[256];
    private final ApiVersionsResponse apiVersions;
    private final boolean syncEveryWrite;
    private final Authenticator authenticator;
    private final Authorizer authorizer;
    private final boolean authRequired;
    private final GroupCoordinator groups;
    private final GroupRequests groupRequests;
    /** Exactly-once layer (B.7, B.12), or null when not served. */
    private final EosService eos;
    private final TxnRequests txnRequests;
    private final ShareCoordinator shares;
    private final ShareRequests shareRequests;
    private final io.streambus.broker.limits.MemoryBudget budget;
    private final String dataDir;
    private final TopicCreationPolicy topicCreation;

    /**
     * @param groups the group coordinator, or null when groups are not served (core-only mode)
     * @param eos    the exactly-once layer, or null when idempotence and transactions are not served
     * @param shares the share-group coordinator, or null when share groups are not served
     * @param budget the broker-wide memory budget; decompression reserves from it
     */
    public RequestDispatcher(BrokerConfig config, LogManager logs, Executor worker, BrokerRuntime.Security security,
            GroupCoordinator groups, EosService eos, ShareCoordinator shares,
            io.streambus.broker.limits.MemoryBudget budget) {
        this.config = config;
        this.budget = budget;
        this.dataDir = config.dataDir().toAbsolutePath().toString();
        this.eos = eos;
        this.txnRequests = eos == null ? null : new TxnRequests(eos, new TxnRequests.Access() {
            @Override
            public Reply check(ClientConnection conn, RequestHeader h, String resource) {
                return authorize(conn, h, resource);
            }

            @Override
            public boolean itemAllowed(ClientConnection conn, RequestHeader h, String resource) {
                return allowed(conn, h, resource, RequestAuthorization.Scope.PER_ITEM);
            }

            @Override
            public boolean visible(ClientConnection conn, RequestHeader h, String resource) {
                return allowed(conn, h, resource, RequestAuthorization.Scope.FILTER);
            }

            @Override
            public Reply clusterAlter(ClientConnection conn, RequestHeader h) {
                if (authorizer == null || authorizer.authorize(conn.principal(), CLUSTER_ALTER,
                        io.streambus.broker.security.ResourceType.CLUSTER_NAME)) {
                    return null;
                }
                return denied(conn, h, CLUSTER_ALTER, io.streambus.broker.security.ResourceType.CLUSTER_NAME);
            }

            @Override
            public boolean shareGroupRefused(io.streambus.protocol.RequestBody body, String groupId) {
                boolean named = body instanceof io.streambus.protocol.txn.TxnOffsetCommitRequest
                        || (body instanceof io.streambus.protocol.txn.AddOffsetsToTxnRequest && !txnShareAcksServed());
                return named && shares != null && shares.exists(groupId);
            }
        });
        this.groups = groups;
        this.shares = shares;
        this.groupRequests = groups == null ? null : new GroupRequests(groups, shares);
        this.shareRequests = shares == null ? null : new ShareRequests(shares);
        this.logs = logs;
        this.worker = worker;
        this.syncEveryWrite = config.flushPolicy().kind() == FlushPolicy.Kind.EVERY_WRITE;
        this.authenticator = security.authenticator();
        this.authorizer = security.authorizer().isAllowAll() ? null : security.authorizer();
        this.authRequired = config.authRequired() && authenticator != null;
        this.topicCreation = new TopicCreationPolicy(config.limits(), logs, authorizer);
        List<ApiVersion> apis = new ArrayList<>();
        for (ApiKey k : ApiKey.values()) {
            boolean serve = !k.isExtension()
                    || (!config.coreOnly() && k == ApiKey.API_VERSIONS)
                    || (groups != null && isGroupType(k))
                    || (shares != null && isShareType(k))
                    || (authenticator != null && (k == ApiKey.SASL_HANDSHAKE || k == ApiKey.SASL_AUTHENTICATE))
                    || (eos != null && k == ApiKey.INIT_PRODUCER_ID)
                    || (eos != null && eos.transactionsEnabled() && TxnRequests.handles(k));
            if (serve) {
                served[k.code()] = true;
                apis.add(new ApiVersion(k.code(), 1, 1));
            }
        }
        apis.sort(java.util.Comparator.comparingInt(ApiVersion::type));
        int features = ApiVersionsResponse.FEATURE_PRESERVES_HEADERS_AND_TIMESTAMPS
                | ApiVersionsResponse.FEATURE_COMPRESSION
                | (authRequired ? ApiVersionsResponse.FEATURE_AUTH_REQUIRED : 0)
                | (idempotenceServed() ? ApiVersionsResponse.FEATURE_IDEMPOTENT_PRODUCE : 0)
                | (transactionsServed() ? ApiVersionsResponse.FEATURE_TXN_DATA_PATH
                        | ApiVersionsResponse.FEATURE_TWO_PHASE_COMMIT : 0)
                | (shares != null ? ApiVersionsResponse.FEATURE_SHARE_GROUPS : 0)
                | (txnShareAcksServed() ? ApiVersionsResponse.FEATURE_TXN_SHARE_ACKS : 0);
        this.apiVersions = new ApiVersionsResponse(List.copyOf(apis), features, SOFTWARE);
    }

    private boolean idempotenceServed() {
        return eos != null && eos.config().idempotence();
    }

    private boolean transactionsServed() {
        return eos != null && eos.transactionsEnabled();
    }

    /** B.13.15: only together with TXN_DATA_PATH and SHARE_GROUPS, when the share coordinator serves it. */
    private boolean txnShareAcksServed() {
        return transactionsServed() && shares != null && shares.transactionalAcknowledgements();
    }

    private static boolean isGroupType(ApiKey k) {
        return switch (k) {
            case JOIN_GROUP, SYNC_GROUP, HEARTBEAT, LEAVE_GROUP, OFFSET_COMMIT, OFFSET_FETCH, DELETE_GROUPS,
                    LIST_GROUPS -> true;
            default -> false;
        };
    }

    private static boolean isShareType(ApiKey k) {
        return k == ApiKey.SHARE_GROUP_HEARTBEAT || k == ApiKey.SHARE_FETCH || k == ApiKey.SHARE_ACKNOWLEDGE
                || k == ApiKey.SHARE_GROUP_CONFIGURE;
    }

    private static String version() {
        String v = RequestDispatcher.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    /** The ApiVersions reply body this broker sends. */
    public ApiVersionsResponse apiVersions() {
        return apiVersions;
    }

    @Override
    public CompletableFuture<Reply> process(ClientConnection conn, ByteBuf frame) {
        RequestHeader h = RequestCodec.decodeHeader(frame);
        ApiKey key = h.apiKey();
        // B.2 step 2: type served?
        if (key == null || !served[h.type()]) {
            frame.release();
            if (config.coreOnly()) {
                return done(Reply.close(String.format("request type 0x%02x is not served in core-only mode", h.type())));
            }
            conn.warn(LOG, "{}: unknown request type 0x{} (request id {})", conn, hex(h.type()),
                    Long.toUnsignedString(h.requestId()));
            return done(error(conn, h, ErrorCode.UNKNOWN_REQUEST,
                    String.format("unknown request type 0x%02x", h.type())));
        }
        if (key == ApiKey.API_VERSIONS) {
            // B.4: answered in every state, whatever version, flags and payload.
            frame.release();
            return done(Reply.send(ResponseCodec.encodeSuccess(conn.channel().alloc(), h.requestId(), apiVersions, 0)));
        }
        // Step 3: connection state (B.5.3).
        boolean sasl = key == ApiKey.SASL_HANDSHAKE || key == ApiKey.SASL_AUTHENTICATE;
        Reply refused = checkConnectionState(conn, h, key);
        if (refused != null) {
            frame.release();
            return done(refused);
        }
        if (!sasl) {
            conn.markWorkDone();
        }
        // Step 4: version (Part A accepts any version byte, A.3.5).
        if (key.isExtension() && h.version() != 1) {
            frame.release();
            return done(fail(conn, h, ErrorCode.INVALID_PROTOCOL,
                    "version " + h.version() + " of " + key + " is not served (only 1)"));
        }
        // Step 5: flags.
        String flagProblem = flagProblem(key, h.flags());
        if (flagProblem != null) {
            frame.release();
            return done(fail(conn, h, ErrorCode.INVALID_REQUEST, flagProblem));
        }
        if (PartitionCountScan.applies(key)) {
            int cap = config.limits().maxPartitionsPerRequest();
            long n = PartitionCountScan.count(key, frame, cap);
            if (n > cap) {
                frame.release();
                return done(fail(conn, h, ErrorCode.INVALID_REQUEST, "the request lists more than " + cap
                        + " partitions, the broker's limit per request"));
            }
        }
        if (frame.readableBytes() > LARGE_DECODE_BYTES && key != ApiKey.PRODUCE && key != ApiKey.FETCH) {
            // Decoding builds an object per entry: a large request is decoded off the event loop.
            CompletableFuture<CompletableFuture<Reply>> decoded;
            try {
                decoded = CompletableFuture.supplyAsync(() -> decodeAndHandle(conn, h, frame), worker);
            } catch (RejectedExecutionException e) {
                frame.release();
                return done(error(conn, h, ErrorCode.REQUEST_TIMEOUT, "broker is shutting down"));
            }
            return decoded.thenCompose(f -> f);
        }
        return switch (key) {
            case PRODUCE -> produce(conn, h, frame);
            case FETCH -> fetch(conn, h, frame);
            default -> decodeAndHandle(conn, h, frame);
        };
    }

    /** Decodes a request other than Produce and Fetch, releasing the frame, and handles it. */
    private CompletableFuture<Reply> decodeAndHandle(ClientConnection conn, RequestHeader h, ByteBuf frame) {
        DecodedRequest req;
        try {
            req = RequestCodec.decode(frame, conn.channel().alloc());
        } catch (ProtocolException e) {
            return done(fail(conn, h, e.errorCode(), e.getMessage()));
        } finally {
            frame.release();
        }
        return handleDecoded(conn, h, req);
    }

    /**
     * B.5.3: null if the request may run in the connection's authentication state, else the refusal (which closes
     * the connection).
     */
    private Reply checkConnectionState(ClientConnection conn, RequestHeader h, ApiKey key) {
        if (authenticator == null) {
            return null;
        }
        boolean handshake = key == ApiKey.SASL_HANDSHAKE;
        boolean authenticate = key == ApiKey.SASL_AUTHENTICATE;
        return switch (conn.saslState()) {
            case NEW -> {
                if (authenticate) {
                    yield fail(conn, h, ErrorCode.ILLEGAL_SASL_STATE, "no SASL mechanism selected");
                }
                if (!handshake && authRequired) {
                    yield closeWith(conn, h, ErrorCode.AUTHENTICATION_FAILED, "authentication required");
                }
                yield null; // a late SaslHandshake with a mechanism is refused once its payload is known
            }
            case MECHANISM_SELECTED -> {
                if (authenticate) {
                    yield null;
                }
                if (handshake) {
                    yield fail(conn, h, ErrorCode.ILLEGAL_SASL_STATE, "a SASL mechanism is already selected");
                }
                yield closeWith(conn, h, ErrorCode.AUTHENTICATION_FAILED,
                        "authentication in progress: only SaslAuthenticate and ApiVersions are allowed");
            }
            case AUTHENTICATED -> handshake || authenticate
                    ? fail(conn, h, ErrorCode.ILLEGAL_SASL_STATE, "the connection is already authenticated")
                    : null;
        };
    }

    private CompletableFuture<Reply> handleDecoded(ClientConnection conn, RequestHeader h, DecodedRequest req) {
        try (req) {
            return switch (h.apiKey()) {
                case GET_OFFSET -> done(getOffset(conn, h, (GetOffsetRequest) req.body()));
                case CREATE_TOPIC -> createTopic(conn, h, (CreateTopicRequest) req.body());
                case DELETE_TOPIC -> deleteTopic(conn, h, (DeleteTopicRequest) req.body());
                case LIST_TOPICS -> done(listTopics(conn, h));
                case SASL_HANDSHAKE -> done(saslHandshake(conn, h, (SaslHandshakeRequest) req.body()));
                case SASL_AUTHENTICATE -> saslAuthenticate(conn, h, (SaslAuthenticateRequest) req.body());
                case JOIN_GROUP, SYNC_GROUP, HEARTBEAT, LEAVE_GROUP, OFFSET_COMMIT, OFFSET_FETCH, DELETE_GROUPS,
                        LIST_GROUPS -> groupRequests.handle(conn, h, req.body());
                case INIT_PRODUCER_ID, ADD_PARTITIONS_TO_TXN, ADD_OFFSETS_TO_TXN, END_TXN, TXN_OFFSET_COMMIT,
                        INIT_XA_BRANCH, PREPARE_TXN, END_XA_BRANCH, LIST_XA_BRANCHES -> {
                    yield async(conn, h, () -> txnRequests.handle(conn, h, req.body()), null);
                }
                // Off the event loop: acquisition reads the log, and replies wait for the share state log.
                case SHARE_GROUP_HEARTBEAT, SHARE_FETCH, SHARE_ACKNOWLEDGE, SHARE_GROUP_CONFIGURE ->
                        shareAsync(conn, h, req.body());
                case HEALTH_CHECK -> done(success(conn, h,
                        new HealthCheckResponse("healthy", (System.nanoTime() - startNanos) / 1_000_000_000L)));
                default -> throw new IllegalStateException("no handler for served type " + h.apiKey());
            };
        }
    }

    /** Runs a share-group request on the worker (its body holds no buffer, so it outlives the decoded frame). */
    private CompletableFuture<Reply> shareAsync(ClientConnection conn, RequestHeader h,
            io.streambus.protocol.RequestBody body) {
        try {
            return CompletableFuture.supplyAsync(() -> shareRequests.handle(conn, h, body), worker)
                    .thenCompose(f -> f);
        } catch (RejectedExecutionException e) {
            return done(error(conn, h, ErrorCode.REQUEST_TIMEOUT, "broker is shutting down"));
        }
    }

    /** B.2 step 5: null if the flags are acceptable for this type on this broker. */
    private String flagProblem(ApiKey key, int flags) {
        if (key.isExtension()) {
            int ok = Frames.FLAG_REQUIRE_ACK
                    | (key == ApiKey.SHARE_ACKNOWLEDGE && txnShareAcksServed() ? Frames.FLAG_TRANSACTIONAL : 0);
            return (flags & ~ok) != 0 ? String.format("flags 0x%04x not allowed on %s (only 0x%04x)", flags, key, ok)
                    : null;
        }
        int ext = flags & Frames.EXTENSION_FLAGS;
        if (ext == 0) {
            return null; // other bits are ignored, as the reference ignores every flag (A.3.5)
        }
        boolean compressionServed = !config.coreOnly();
        int allowed = compressionServed && (key == ApiKey.PRODUCE || key == ApiKey.FETCH) ? Frames.FLAG_COMPRESSED : 0;
        if (key == ApiKey.PRODUCE) {
            allowed |= (idempotenceServed() ? Frames.FLAG_SEQUENCED : 0)
                    | (transactionsServed() ? Frames.FLAG_TRANSACTIONAL : 0);
        } else if (key == ApiKey.FETCH && transactionsServed()) {
            allowed |= Frames.FLAG_READ_COMMITTED;
        }
        if ((ext & ~allowed) != 0) {
            return String.format("flag 0x%04x is not served on %s by this broker", ext & ~allowed, key);
        }
        return null;
    }

    // ---------------------------------------------------------------- Produce

    private CompletableFuture<Reply> produce(ClientConnection conn, RequestHeader h, ByteBuf frame) {
        if (h.hasFlag(Frames.FLAG_COMPRESSED)) {
            // Topic checked and authorized, memory reserved, before anything is inflated (see CompressedProducePeek).
            CompressedProducePeek peek = CompressedProducePeek.of(frame);
            long reserved = 0;
            if (peek != null) {
                String problem = TopicNames.problem(peek.topic());
                Reply refused = problem != null ? badInput(conn, h, ErrorCode.INVALID_REQUEST, problem)
                        : authorize(conn, h, peek.topic());
                if (refused == null && !budget.tryReserve(peek.reservation())) {
                    refused = error(conn, h, ErrorCode.REQUEST_TIMEOUT,
                            "the broker has no memory free to decompress this block now; retry later");
                }
                if (refused != null) {
                    frame.release();
                    return done(refused);
                }
                reserved = peek.reservation();
            }
            long release = reserved;
            // Decompression is CPU work: off the event loop, frame and all.
            CompletableFuture<Reply> f = async(conn, h, () -> {
                DecodedRequest req;
                try {
                    req = RequestCodec.decode(frame, conn.channel().alloc());
                } catch (ProtocolException e) {
                    return badInput(conn, h, e.errorCode(), e.getMessage());
                } finally {
                    frame.release();
                }
                return executeProduce(conn, h, req);
            }, frame::release);
            return f.whenComplete((r, e) -> budget.release(release));
        }
        DecodedRequest req;
        try {
            req = RequestCodec.decode(frame, conn.channel().alloc());
        } catch (ProtocolException e) {
            return done(badInput(conn, h, e.errorCode(), e.getMessage()));
        } finally {
            frame.release();
        }
        ProduceRequest p = (ProduceRequest) req.body();
        if (syncEveryWrite || needsCreate(p.topic()) || p.transaction() != null) {
            return async(conn, h, () -> executeProduce(conn, h, req), req);
        }
        return done(executeProduce(conn, h, req));
    }

    private Reply executeProduce(ClientConnection conn, RequestHeader h, DecodedRequest req) {
        try (req) {
            ProduceRequest p = (ProduceRequest) req.body();
            String problem = TopicNames.problem(p.topic());
            if (problem != null) {
                return badInput(conn, h, ErrorCode.INVALID_REQUEST, problem);
            }
            Reply denied = authorize(conn, h, p.topic());
            if (denied != null) {
                return denied; // before auto-create: a denied Produce creates nothing
            }
            PartitionLog log = writablePartition(conn, p.topic(), p.partition());
            if (p.sequence() != null || p.transaction() != null) {
                return eosProduce(conn, h, log, p);
            }
            AppendResult r = log.append(p.messages()); // validated by the codec when the request was decoded
            return success(conn, h, new ProduceResponse(r.baseOffset(), r.count(), r.highWaterMark()));
        } catch (LogException e) {
            return logError(conn, h, e, "");
        }
    }

    /** A sequenced and/or transactional Produce (B.12.3, B.7.7), after the ordinary Produce checks. */
    private Reply eosProduce(ClientConnection conn, RequestHeader h, PartitionLog log, ProduceRequest p) {
        try {
            long[] r = eos.produce(log, p);
            return success(conn, h, new ProduceResponse(r[0], (int) r[1], r[2]));
        } catch (TxnException e) {
            return error(conn, h, e.errorCode(), e.getMessage());
        }
    }

    // ---------------------------------------------------------------- Fetch

    private CompletableFuture<Reply> fetch(ClientConnection conn, RequestHeader h, ByteBuf frame) {
        DecodedRequest req;
        try {
            req = RequestCodec.decode(frame, conn.channel().alloc());
        } catch (ProtocolException e) {
            return done(badInput(conn, h, e.errorCode(), e.getMessage()));
        } finally {
            frame.release();
        }
        FetchRequest f = (FetchRequest) req.body();
        if (f.acceptedCodec() != CompressionCodec.NONE || needsCreate(f.topic())) {
            return async(conn, h, () -> executeFetch(conn, h, f), req);
        }
        return done(executeFetch(conn, h, f));
    }

    private Reply executeFetch(ClientConnection conn, RequestHeader h, FetchRequest f) {
        String problem = TopicNames.problem(f.topic());
        if (problem != null) {
            return badInput(conn, h, ErrorCode.INVALID_REQUEST, problem);
        }
        Reply denied = authorize(conn, h, f.topic());
        if (denied != null) {
            return denied;
        }
        ByteBufAllocator alloc = conn.channel().alloc();
        try {
            PartitionLog log = readablePartition(conn, f.topic(), f.partition());
            if (f.readCommitted()) {
                return readCommittedFetch(h, f, log, alloc);
            }
            if (f.acceptedCodec() == CompressionCodec.NONE) {
                ReadResult rr = log.read(f.offset(), (int) f.maxBytes(), Frames.MAX_FRAME_SIZE - FETCH_OVERHEAD);
                // The log's bytes go out as they are, inside a frame the codec lays out (no copy).
                return Reply.send(FetchResponse.encodeZeroCopy(alloc, h.requestId(), rr.highWaterMark(),
                        rr.count(), rr.messages()));
            }
            ReadResult rr = log.read(f.offset(), (int) f.maxBytes(),
                    Frames.MAX_FRAME_SIZE - COMPRESSED_FETCH_OVERHEAD);
            MessageBlock block;
            try {
                block = MessageBlock.of(alloc, rr.count(), rr.messages());
            } catch (RuntimeException e) {
                rr.close();
                throw e;
            }
            try {
                FetchResponse body = new FetchResponse(rr.highWaterMark(), block, f.acceptedCodec(),
                        FetchResponse.NO_LAST_STABLE_OFFSET);
                return Reply.send(ResponseCodec.encodeSuccess(alloc, h.requestId(), body, h.flags()));
            } finally {
                block.release();
            }
        } catch (LogException e) {
            return logError(conn, h, e, "");
        }
    }

    /** Read-committed Fetch (flag 0x0040, B.7.7): committed messages below the LSO, then the LSO. */
    private Reply readCommittedFetch(RequestHeader h, FetchRequest f, PartitionLog log, ByteBufAllocator alloc) {
        int overhead = (f.acceptedCodec() == CompressionCodec.NONE ? FETCH_OVERHEAD : COMPRESSED_FETCH_OVERHEAD) + 8;
        long[] lso = new long[1];
        ReadResult rr = eos.readCommitted(log, f.offset(), (int) f.maxBytes(), Frames.MAX_FRAME_SIZE - overhead,
                alloc, lso);
        MessageBlock block;
        try {
            block = MessageBlock.of(alloc, rr.count(), rr.messages());
        } catch (RuntimeException e) {
            rr.close();
            throw e;
        }
        try {
            FetchResponse body = new FetchResponse(rr.highWaterMark(), block, f.acceptedCodec(), lso[0]);
            return Reply.send(ResponseCodec.encodeSuccess(alloc, h.requestId(), body, h.flags()));
        } finally {
            block.release();
        }
    }

    // ---------------------------------------------------------------- SASL (B.5)

    private Reply saslHandshake(ClientConnection conn, RequestHeader h, SaslHandshakeRequest r) {
        String m = r.mechanism();
        List<String> enabled = authenticator.mechanisms();
        if (m.isEmpty()) {
            return success(conn, h, new SaslHandshakeResponse(enabled)); // only lists; the state does not change
        }
        if (conn.workDone()) {
            return closeWith(conn, h, ErrorCode.ILLEGAL_SASL_STATE,
                    "SaslHandshake with a mechanism must come before any other request on the connection");
        }
        try {
            conn.saslSession(authenticator.newServer(m));
        } catch (SaslAuthenticationException e) {
            return closeWith(conn, h, e.errorCode(), e.getMessage());
        }
        conn.saslState(ClientConnection.SaslState.MECHANISM_SELECTED);
        return success(conn, h, new SaslHandshakeResponse(enabled));
    }

    private CompletableFuture<Reply> saslAuthenticate(ClientConnection conn, RequestHeader h,
            SaslAuthenticateRequest r) {
        SaslServerSession session = (SaslServerSession) conn.saslSession();
        // PLAIN runs a PBKDF2 per attempt: off the event loop. The connection sends nothing else meanwhile.
        return async(conn, h, () -> {
            try {
                byte[] reply = session.evaluate(r.authBytes());
                if (session.complete()) {
                    conn.principal(session.principal());
                    conn.saslSession(null);
                    conn.saslState(ClientConnection.SaslState.AUTHENTICATED);
                    LOG.debug("{}: authenticated as {} with {}", conn, session.principal(), session.mechanism());
                }
                return success(conn, h, new SaslAuthenticateResponse(reply));
            } catch (SaslAuthenticationException e) {
                return closeWith(conn, h, e.errorCode(), e.getMessage());
            }
        }, null);
    }

    @Override
    public void connectionOpened(ClientConnection conn) {
        if (!authRequired) {
            return;
        }
        long ms = config.authTimeout().toMillis();
        conn.channel().eventLoop().schedule(() -> {
            if (conn.channel().isActive() && conn.saslState() != ClientConnection.SaslState.AUTHENTICATED) {
                LOG.warn("{}: not authenticated within {} ms, closing", conn, ms);
                conn.channel().close();
            }
        }, ms, TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- authorization

    /**
     * The request-level check of {@link RequestAuthorization} for this type on {@code resource}: null if allowed,
     * otherwise the denial reply (code 41 or 27), logged.
     */
    private Reply authorize(ClientConnection conn, RequestHeader h, String resource) {
        if (authorizer == null) {
            return null;
        }
        for (RequestAuthorization.Check check : checksOf(h)) {
            if (check.scope() == RequestAuthorization.Scope.REQUEST
                    && !authorizer.authorize(conn.principal(), check, resource)) {
                return denied(conn, h, check, resource);
            }
        }
        return null;
    }

    private static List<RequestAuthorization.Check> checksOf(RequestHeader h) {
        return RequestAuthorization.forType(h.type()).map(RequestAuthorization::checks).orElse(List.of());
    }

    private Reply denied(ClientConnection conn, RequestHeader h, RequestAuthorization.Check check, String resource) {
        String message = check.denialMessage(conn.principal(), resource);
        conn.warn(LOG, "{}: denied {} ({} on {} '{}') for principal '{}'", conn, typeName(h), check.action(),
                check.resourceType().fileName(), Texts.printable(resource, 100),
                Texts.printable(conn.principal(), 100));
        return error(conn, h, check.denialCode(), message);
    }

    /** True if the principal passes every check of {@code scope} of this type on {@code resource}. */
    private boolean allowed(ClientConnection conn, RequestHeader h, String resource, RequestAuthorization.Scope scope) {
        if (authorizer == null) {
            return true;
        }
        for (RequestAuthorization.Check check : checksOf(h)) {
            if (check.scope() == scope && !authorizer.authorize(conn.principal(), check, resource)) {
                return false;
            }
        }
        return true;
    }

    /** True if the principal passes the FILTER check of this type on {@code resource} (listings). */
    private boolean visible(ClientConnection conn, RequestHeader h, String resource) {
        if (authorizer == null) {
            return true;
        }
        for (RequestAuthorization.Check check : checksOf(h)) {
            if (check.scope() == RequestAuthorization.Scope.FILTER
                    && !authorizer.authorize(conn.principal(), check, resource)) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- topics

    private Reply getOffset(ClientConnection conn, RequestHeader h, GetOffsetRequest g) {
        String problem = TopicNames.problem(g.topic());
        if (problem != null) {
            return badInput(conn, h, ErrorCode.INVALID_REQUEST, problem);
        }
        Reply denied = authorize(conn, h, g.topic());
        if (denied != null) {
            return denied;
        }
        try {
            PartitionLog log = logs.partition(g.topic(), g.partition());
            long end = log.endOffset();
            return success(conn, h, new GetOffsetResponse(g.topic(), g.partition(), log.startOffset(), end,
                    log.highWaterMark()));
        } catch (LogException e) {
            return logError(conn, h, e, "");
        }
    }

    private CompletableFuture<Reply> createTopic(ClientConnection conn, RequestHeader h, CreateTopicRequest c) {
        String problem = TopicNames.problem(c.topic());
        if (problem != null) {
            return done(badInput(conn, h, ErrorCode.INVALID_REQUEST, problem));
        }
        if (c.partitionCount() < 1) {
            return done(badInput(conn, h, ErrorCode.INVALID_REQUEST, "partition count must be at least 1, was "
                    + Integer.toUnsignedString(c.partitionCount())));
        }
        Reply denied = authorize(conn, h, c.topic());
        if (denied != null) {
            return done(denied);
        }
        String limit = topicCreation.limitProblem(c.topic(), c.partitionCount());
        if (limit != null) {
            return done(badInput(conn, h, ErrorCode.INVALID_REQUEST, limit));
        }
        return async(conn, h, () -> {
            try {
                // Same count as an existing topic also succeeds with created = 1 (A.6.4).
                logs.createTopic(c.topic(), c.partitionCount());
                return success(conn, h, new CreateTopicResponse(c.topic(), true));
            } catch (LogException e) {
                return logError(conn, h, e, "failed to create topic: ");
            }
        }, null);
    }

    private CompletableFuture<Reply> deleteTopic(ClientConnection conn, RequestHeader h, DeleteTopicRequest d) {
        String problem = TopicNames.problem(d.topic());
        if (problem != null) {
            return done(badInput(conn, h, ErrorCode.INVALID_REQUEST, problem));
        }
        Reply denied = authorize(conn, h, d.topic());
        if (denied != null) {
            return done(denied);
        }
        return async(conn, h, () -> {
            try {
                logs.deleteTopic(d.topic());
                if (eos != null) {
                    eos.topicDeleted(d.topic());
                }
                if (groups != null) {
                    awaitOffsetsDeleted(d.topic());
                }
                if (shares != null) {
                    awaitSharePartitionsDeleted(d.topic());
                }
                return success(conn, h, new DeleteTopicResponse(d.topic(), true));
            } catch (LogException e) {
                return logError(conn, h, e, "failed to delete topic: ");
            }
        }, null);
    }

    /** Committed offsets of a deleted topic go too (B.6.8); waits (worker thread) until that is durable. */
    private void awaitOffsetsDeleted(String topic) {
        try {
            groups.topicDeleted(topic).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // The topic is gone; its offsets are unreachable and removed at the latest by retention.
            LOG.warn("deleting committed offsets of deleted topic {} did not finish: {}", topic, e.toString());
        }
    }

    /** Share-partitions of a deleted topic go in every share group (B.13.1); waits (worker) until durable. */
    private void awaitSharePartitionsDeleted(String topic) {
        try {
            shares.topicDeleted(topic).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("deleting share-partitions of deleted topic {} did not finish: {}", topic, e.toString());
        }
    }

    private Reply listTopics(ClientConnection conn, RequestHeader h) {
        Map<String, Integer> topics = logs.topics();
        List<TopicInfo> list = new ArrayList<>(topics.size());
        topics.forEach((name, count) -> {
            if (visible(conn, h, name)) {
                list.add(new TopicInfo(name, count));
            }
        });
        return success(conn, h, new ListTopicsResponse(list));
    }

    /** True if the topic is missing and would be auto-created (which syncs directories: not on the event loop). */
    private boolean needsCreate(String topic) {
        return config.autoCreateTopics() && TopicNames.isValid(topic) && logs.partitionCount(topic) < 0;
    }

    /** Produce's topic lookup: auto-create with one partition (A.6.1); a failed create is code 9. */
    private PartitionLog writablePartition(ClientConnection conn, String topic, int partition) {
        ensureTopic(conn, topic);
        return logs.partition(topic, partition);
    }

    private PartitionLog readablePartition(ClientConnection conn, String topic, int partition) {
        ensureTopic(conn, topic);
        return logs.partition(topic, partition);
    }

    /**
     * Auto-creates a missing topic for Produce and Fetch (A.6.1) when the broker allows it, the principal holds the
     * create right on it, or admin ({@link TopicCreationPolicy}), and the topic
     * limit is not reached; otherwise the topic is unknown (code 8).
     */
    private void ensureTopic(ClientConnection conn, String topic) {
        if (logs.partitionCount(topic) >= 0) {
            return;
        }
        if (!config.autoCreateTopics() || !topicCreation.mayAutoCreate(conn.principal(), topic)) {
            throw new UnknownTopicException(topic);
        }
        // A concurrent create with another count throws TopicExistsException: code 9, as the reference reports a
        // failed auto-create.
        logs.createTopic(topic, 1);
    }

    // ---------------------------------------------------------------- replies

    private static CompletableFuture<Reply> done(Reply r) {
        return CompletableFuture.completedFuture(r);
    }

    /**
     * Runs {@code task} on the worker executor. {@code owned} (a frame, a decoded request or null) is released if the
     * task cannot be started; otherwise the task owns it.
     */
    private CompletableFuture<Reply> async(ClientConnection conn, RequestHeader h, Supplier<Reply> task,
            AutoCloseable owned) {
        try {
            return CompletableFuture.supplyAsync(task, worker);
        } catch (RejectedExecutionException e) {
            closeQuietly(owned);
            return done(error(conn, h, ErrorCode.REQUEST_TIMEOUT, "broker is shutting down"));
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // Releasing a buffer does not fail.
        }
    }

    static Reply success(ClientConnection conn, RequestHeader h, ResponseBody body) {
        return Reply.send(ResponseCodec.encodeSuccess(conn.channel().alloc(), h.requestId(), body, h.flags()));
    }

    static Reply error(ClientConnection conn, RequestHeader h, int code, String message) {
        return Reply.send(ResponseCodec.encodeError(conn.channel().alloc(), h.requestId(), code, message));
    }

    /**
     * An error reply for a failed check of steps 3-6; for SaslHandshake and SaslAuthenticate the connection is closed
     * after it (B.5.3: every error response to them is followed by a close).
     */
    static Reply fail(ClientConnection conn, RequestHeader h, int code, String message) {
        ApiKey k = h.apiKey();
        if (k == ApiKey.SASL_HANDSHAKE || k == ApiKey.SASL_AUTHENTICATE) {
            return closeWith(conn, h, code, message);
        }
        return badInput(conn, h, code, message);
    }

    /** An error reply, then a close; the close is logged with the reason. */
    static Reply closeWith(ClientConnection conn, RequestHeader h, int code, String message) {
        String text = Texts.printable(message, 400);
        return Reply.sendThenClose(ResponseCodec.encodeError(conn.channel().alloc(), h.requestId(), code, text),
                typeName(h) + " refused with code " + code + ": " + text);
    }

    /** An error reply for bad input, with the WARN line the brief asks for. */
    static Reply badInput(ClientConnection conn, RequestHeader h, int code, String message) {
        String text = Texts.printable(message, 400);
        conn.warn(LOG, "{}: rejected {} (request id {}) with code {}: {}", conn, typeName(h),
                Long.toUnsignedString(h.requestId()), code, text);
        return error(conn, h, code, text);
    }

    /**
     * The reply to a failed log operation. Storage errors are logged in full on the broker and answered with a
     * generic text: their messages name files, and no server path goes on the wire; other messages are stripped of
     * the data directory too, in case one names it.
     */
    private Reply logError(ClientConnection conn, RequestHeader h, LogException e, String prefix) {
        if (e.errorCode() == ErrorCode.STORAGE_ERROR) {
            LOG.warn("{}: {} failed: {}", conn, typeName(h), e.getMessage());
            return error(conn, h, e.errorCode(), prefix + "storage error on the broker (details in its log)");
        }
        String text = prefix + withoutDataDir(e.getMessage());
        if (e.errorCode() == ErrorCode.INVALID_REQUEST) {
            return badInput(conn, h, e.errorCode(), text);
        }
        return error(conn, h, e.errorCode(), text);
    }

    private String withoutDataDir(String message) {
        return message == null ? "" : message.replace(dataDir, "<data-dir>");
    }

    static String typeName(RequestHeader h) {
        ApiKey k = h.apiKey();
        return k == null ? "type 0x" + hex(h.type()) : k.name();
    }

    private static String hex(int b) {
        return String.format("%02x", b);
    }

    @Override
    public void connectionClosed(ClientConnection connection) {
        if (groups != null) {
            // A new member whose held JoinGroup was on this connection never learnt its id: remove it (B.6.10).
            groups.connectionClosed(connection.id());
        }
    }
}

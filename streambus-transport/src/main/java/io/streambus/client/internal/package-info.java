/**
 * Internals of the StreamBus client. Nothing here is an application API; other modules of this project may use
 * what is listed below.
 *
 * <h2>For the group consumer ({@code io.streambus.client.internal.group})</h2>
 * <ul>
 *   <li>{@link io.streambus.client.StreamBusClient#newGroupConsumer} calls
 *       {@code DefaultGroupConsumer.create} with the {@link io.streambus.client.internal.ClientContext}, the group id
 *       and the consumer configuration (group keys {@code session.timeout.ms}, {@code heartbeat.interval.ms},
 *       {@code rebalance.timeout.ms}, {@code enable.auto.commit}, {@code auto.commit.interval.ms},
 *       {@code partition.assignment.strategy} are in {@link io.streambus.client.ClientConfig}).</li>
 *   <li>Fetching: {@code context.newPartitionConsumer(kd, vd, config)} gives a
 *       {@link io.streambus.client.internal.consumer.PartitionConsumerImpl} (assign, seek, position, positions(),
 *       pause/resume, poll with background prefetch, wakeup). A group consumer drives its assignment.</li>
 *   <li>The network is reached only through {@code context.network()}, the
 *       {@link io.streambus.client.internal.net.RequestSender} seam ({@code NetworkClient} in production, a scripted
 *       {@code FakeNetwork} in the transport's test sources), and time only through {@code context.time()}, so the
 *       engine runs under a manual clock in unit tests.</li>
 *   <li>Coordination requests: {@code context.network().openDedicated()} completes with a
 *       {@link io.streambus.client.internal.net.Connection} of its own to the active broker (pinged when idle, close
 *       it when done); send with {@code connection.send(BodySupplier.of(body), 0, handler, timeoutNanos)}, where the
 *       {@link io.streambus.client.internal.net.ResponseHandler} gets the {@code DecodedResponse} (close it) or the
 *       failure on an I/O thread. Use a timeout above the rebalance timeout for JoinGroup/SyncGroup (B.6.1).
 *       {@link io.streambus.client.internal.net.ResponseHandler#completing} adapts to a CompletableFuture and maps
 *       error statuses with {@link io.streambus.client.internal.net.Errors#fromResponse}.</li>
 *   <li>Other requests (OffsetCommit/OffsetFetch, ListTopics): {@code context.network().call(body, mapper)} with the
 *       retry policy, or {@code context.metadata()} for partition counts.</li>
 *   <li>Capabilities: {@code context.network().capabilities(deadlineNanos)}; a Part B type sent to a broker that does
 *       not serve it fails at once with {@link io.streambus.client.UnsupportedFeatureException} anyway.</li>
 *   <li>Timers: {@code context.network().schedule(task, delayMs)} (I/O threads: never block there). Resources:
 *       {@code context.register(consumer)} closes it with the client, after the producers, with
 *       {@code close(remaining timeout)}.</li>
 * </ul>
 */
package io.streambus.client.internal;

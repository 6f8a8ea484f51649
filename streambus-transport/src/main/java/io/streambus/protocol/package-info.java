/**
 * The StreamBus wire codec (spec {@code wire-protocol.md}, Part A and Part B): frames, every request and
 * response body, message blocks and compression, on Netty {@link io.netty.buffer.ByteBuf}s.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link io.streambus.protocol.FrameDecoder}: first handler of a pipeline; checks length and CRC and emits
 *       each frame as a retained slice (header + payload, no length, no CRC). Framing errors are
 *       {@link io.streambus.protocol.ProtocolException}s with {@code closesConnection() == true}.</li>
 *   <li>{@link io.streambus.protocol.RequestCodec} / {@link io.streambus.protocol.ResponseCodec}: static,
 *       thread-safe. {@code encode*} return the complete frame (length + header + payload + CRC), ready to
 *       write; {@code decode} takes what FrameDecoder emits and neither moves its indexes nor releases it.</li>
 *   <li>One immutable record per body ({@code ProduceRequest}, {@code FetchResponse}, {@code JoinGroupRequest},
 *       ...). Bodies that carry messages hold a {@link io.streambus.protocol.message.MessageBlock} and must be released
 *       ({@code body.release()}, or close the {@code DecodedRequest}/{@code DecodedResponse}); so does a
 *       {@code ShareFetchResponse}, whose partitions hold {@link io.streambus.protocol.share.ShareRecords}. Encoding
 *       never releases the body. Bodies live in {@code protocol.core} (Part A), {@code protocol.group},
 *       {@code protocol.txn} (transactions and two-phase commit), {@code protocol.security} and
 *       {@code protocol.share} (share groups).</li>
 *   <li>{@link io.streambus.protocol.message.MessageBlock}: u32 count + messages (A.5), validated, reference counted;
 *       built with {@link io.streambus.protocol.message.MessageBlockWriter}, read with a
 *       {@link io.streambus.protocol.message.MessageCursor} (no allocation per message) or as
 *       {@link io.streambus.protocol.message.Message} objects (retained slices).</li>
 *   <li>Every decode error is a typed {@link io.streambus.protocol.ProtocolException} naming field and byte
 *       offset; {@code errorCode()} is the wire code to answer with, {@code requestHeader()} the header when it
 *       could be read.</li>
 * </ul>
 *
 * <h2>Client: build a Produce and read the reply</h2>
 * <pre>{@code
 * MessageBlock block;
 * try (MessageBlockWriter w = new MessageBlockWriter(alloc, 16 * 1024)) {
 *     w.append(0, System.currentTimeMillis() * 1_000_000L, keyBytes, valueBytes,
 *              List.of(Header.of("content-type", "text/plain")));
 *     if (w.size() >= batchSize) { ... stop adding ... }
 *     block = w.finish();                         // the writer no longer owns it
 * }
 * ProduceRequest req = new ProduceRequest("orders", 0, block);   // or with CompressionCodec.LZ4 / a txn trailer
 * ByteBuf frame = RequestCodec.encode(alloc, requestId, Frames.FLAG_REQUIRE_ACK, req);
 * req.release();                                  // encode copied the bytes
 * channel.writeAndFlush(frame);
 *
 * // in the response handler, after FrameDecoder.forResponses():
 * ResponseHeader h = ResponseCodec.decodeHeader(frame);        // match h.requestId() first
 * try (DecodedResponse resp = ResponseCodec.decode(frame, ApiKey.PRODUCE, sentFlags)) {
 *     if (resp.isError()) fail(resp.errorCode(), resp.errorMessage());
 *     else done(resp.body(ProduceResponse.class).baseOffset());
 * } finally {
 *     frame.release();
 * }
 * }</pre>
 *
 * <h2>Client: iterate fetched messages without copying</h2>
 * <pre>{@code
 * try (DecodedResponse resp = ResponseCodec.decode(frame, ApiKey.FETCH, sentFlags)) {
 *     FetchResponse f = resp.body(FetchResponse.class);           // decompressed already if it was compressed
 *     f.messages().forEach(m -> {
 *         long offset = m.offset();
 *         ByteBuf value = m.value();                               // slice, valid until resp is closed
 *         boolean noTimestamp = m.timestampNanos() == Message.REFERENCE_NO_TIMESTAMP;
 *     });
 *     List<Message> kept = f.messages().toMessages();             // retained: release each one later
 * }
 * }</pre>
 *
 * <h2>Broker: decode, append, answer</h2>
 * <pre>{@code
 * RequestHeader h = RequestCodec.decodeHeader(frame);   // type/version/flag policy (B.2) before the payload
 * try (DecodedRequest req = RequestCodec.decode(frame)) {
 *     if (req.body() instanceof ProduceRequest p) {
 *         long last = p.messages().assignOffsets(base);   // rewrites offsets in place
 *         log.append(p.messages().buffer());              // raw block bytes
 *     }
 * } catch (ProtocolException e) {
 *     // e.requestHeader() is set unless the header itself was unreadable; e.errorCode() is 1, 2, 4 or 12
 *     ctx.writeAndFlush(ResponseCodec.encodeError(alloc, e.requestHeader().requestId(), e.errorCode(),
 *             e.getMessage()));
 * } finally {
 *     frame.release();
 * }
 * // Fetch reply from raw log bytes, zero copy until the frame is encoded:
 * MessageBlock block = MessageBlock.of(alloc, count, rawMessages);
 * ByteBuf reply = ResponseCodec.encodeSuccess(alloc, id, new FetchResponse(hwm, block, requested, lso), h.flags());
 * block.release();
 * }</pre>
 *
 * <h2>Sizes</h2>
 * {@code MessageBlock.messageSize(...)} is the A.5 size of one message ({@code MessageBlockWriter.size()} the block
 * so far); {@code ProduceRequest.frameSize(topic, blockSize, txn)} and {@code FetchResponse.frameSize(blockSize,
 * requestFlags)} give whole frame sizes, to keep batches and Fetch replies under {@code Frames.MAX_FRAME_SIZE}
 * (encoders throw {@link io.streambus.protocol.message.MessageTooLargeException} above it).
 *
 * <p>Validation helpers: {@link io.streambus.protocol.TopicNames}. Flag and status constants:
 * {@link io.streambus.protocol.Frames}. Feature bits: {@link io.streambus.protocol.ApiVersionsResponse}.
 */
package io.streambus.protocol;

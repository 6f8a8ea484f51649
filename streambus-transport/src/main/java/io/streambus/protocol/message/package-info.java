/**
 * The A.5 message record and the blocks that carry them: {@link io.streambus.protocol.message.MessageBlock}
 * (u32 count + messages, validated once, reference counted), the
 * {@link io.streambus.protocol.message.MessageBlockWriter} that builds one, the allocation-free
 * {@link io.streambus.protocol.message.MessageCursor}, and the B.11 {@link
 * io.streambus.protocol.message.CompressionCodec}s. This is the single place that walks and checks A.5 records;
 * the producer, the consumer and the broker's log all go through it. Used by the client and the broker only.
 */
package io.streambus.protocol.message;

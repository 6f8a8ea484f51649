package io.streambus.broker.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.streambus.protocol.Frames;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Closes a connection whose current frame is not complete within a deadline of its first byte, so that a client
 * trickling a frame header or payload cannot hold a connection slot indefinitely (the idle timeout does not fire
 * while bytes keep arriving). It sits before the frame decoder, follows frame boundaries by reading each u32 length
 * prefix (A.3) without consuming anything, and passes every buffer on unchanged.
 *
 * <p>When authentication is required it also refuses, before buffering it, any frame longer than the
 * pre-authentication limit: an unauthenticated client can only send small frames (SASL exchanges are small).
 *
 * <p>Applies while {@code applies} says so (the broker: until the connection has authenticated); once it does not,
 * the handler removes itself, so authenticated clients may send large frames over slow links. A length the decoder
 * will reject ends the tracking: the decoder closes that connection anyway.
 *
 * <p>Not sharable: one per channel; confined to the channel's event loop.
 */
final class FrameDeadlineHandler extends ChannelInboundHandlerAdapter {
    private final long deadlineMillis;
    private final int maxFrameBytes;
    private final BooleanSupplier applies;
    /** Bytes of the current frame's length prefix seen so far (0..4). */
    private int lengthBytes;
    private long length;
    /** Bytes of the current frame after its length prefix still to come. */
    private long remaining;
    private boolean lost;
    /** A frame above {@link #maxFrameBytes} was announced: the connection is closed. */
    private boolean tooLarge;
    private long tooLargeLength;
    private ScheduledFuture<?> timer;

    /**
     * @param deadlineMillis time allowed from a frame's first byte to its last; 0 = no deadline
     * @param maxFrameBytes  largest frame length (the u32 prefix) accepted while the handler applies; a longer one
     *                       closes the connection before its payload is buffered; 0 = no limit
     * @param applies        whether the deadline still applies to this connection
     */
    FrameDeadlineHandler(long deadlineMillis, int maxFrameBytes, BooleanSupplier applies) {
        if (deadlineMillis < 0 || maxFrameBytes < 0 || (deadlineMillis == 0 && maxFrameBytes == 0)) {
            throw new IllegalArgumentException("need a deadline or a frame limit, got " + deadlineMillis + " ms and "
                    + maxFrameBytes + " bytes");
        }
        this.deadlineMillis = deadlineMillis;
        this.maxFrameBytes = maxFrameBytes;
        this.applies = applies;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!applies.getAsBoolean()) {
            cancel();
            ctx.pipeline().remove(this);
        } else if (msg instanceof ByteBuf buf && !lost) {
            track(buf);
            if (tooLarge) {
                ReferenceCountUtil.release(msg);
                ConnectionHandler.warnConnection("{}: frame of {} bytes before authentication (limit {}), closing",
                        remote(ctx), tooLargeLength, maxFrameBytes);
                ctx.close();
                return;
            }
            boolean partial = lengthBytes > 0 || remaining > 0;
            if (!partial || deadlineMillis == 0) {
                cancel();
            } else if (timer == null) {
                timer = ctx.executor().schedule(() -> expire(ctx), deadlineMillis, TimeUnit.MILLISECONDS);
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** Advances the frame-boundary state over {@code buf}'s readable bytes. */
    private void track(ByteBuf buf) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        while (i < end) {
            if (remaining > 0) {
                long step = Math.min(remaining, end - i);
                remaining -= step;
                i += (int) step;
                if (remaining == 0) {
                    cancel(); // a frame completed: the next one gets a fresh deadline
                }
                continue;
            }
            length = (length << 8) | buf.getUnsignedByte(i++);
            if (++lengthBytes == Frames.LENGTH_FIELD_SIZE) {
                if (maxFrameBytes > 0 && length > maxFrameBytes) {
                    tooLarge = true;
                    tooLargeLength = length;
                    lost = true;
                    cancel();
                    return;
                }
                if (length > Frames.MAX_LENGTH || length == 0) {
                    lost = true; // the decoder refuses this frame and the connection closes
                    cancel();
                    return;
                }
                remaining = length;
                lengthBytes = 0;
                length = 0;
            }
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        timer = null;
        if (ctx.channel().isActive() && (lengthBytes > 0 || remaining > 0) && applies.getAsBoolean()) {
            ConnectionHandler.warnConnection("{}: frame not completed within {} ms, closing", remote(ctx),
                    deadlineMillis);
            ctx.close();
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    private static String remote(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() == null ? "connection"
                : "connection from " + ctx.channel().remoteAddress().toString().replaceFirst("^/", "");
    }
}

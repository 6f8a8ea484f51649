package io.streambus.broker.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.streambus.protocol.Frames;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection whose current frame is not complete within a deadline of its first byte, so that a client
 * trickling a frame header or payload cannot hold a connection slot indefinitely (the idle timeout does not fire
 * while bytes keep arriving). It sits before the frame decoder, follows frame boundaries by reading each u32 length
 * prefix (A.3) without consuming anything, and passes every buffer on unchanged.
 *
 * <p>Applies while {@code applies} says so (the broker: until the connection has authenticated); once it does not,
 * the handler removes itself, so authenticated clients may send large frames over slow links. A length the decoder
 * will reject ends the tracking: the decoder closes that connection anyway.
 *
 * <p>Not sharable: one per channel; confined to the channel's event loop.
 */
final class FrameDeadlineHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(FrameDeadlineHandler.class);

    private final long deadlineMillis;
    private final BooleanSupplier applies;
    /** Bytes of the current frame's length prefix seen so far (0..4). */
    private int lengthBytes;
    private long length;
    /** Bytes of the current frame after its length prefix still to come. */
    private long remaining;
    private boolean lost;
    private ScheduledFuture<?> timer;

    /**
     * @param deadlineMillis time allowed from a frame's first byte to its last, at least 1
     * @param applies        whether the deadline still applies to this connection
     */
    FrameDeadlineHandler(long deadlineMillis, BooleanSupplier applies) {
        if (deadlineMillis < 1) {
            throw new IllegalArgumentException("deadlineMillis must be at least 1, got " + deadlineMillis);
        }
        this.deadlineMillis = deadlineMillis;
        this.applies = applies;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!applies.getAsBoolean()) {
            cancel();
            ctx.pipeline().remove(this);
        } else if (msg instanceof ByteBuf buf && !lost) {
            track(buf);
            boolean partial = lengthBytes > 0 || remaining > 0;
            if (!partial) {
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
            LOG.warn("{}: frame not completed within {} ms, closing", remote(ctx), deadlineMillis);
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

package io.streambus.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Coverage-guided fuzzing (Jazzer) of the frame decoder and of every request and response payload decoder. The seed
 * corpus ({@code ProtocolFuzzTestInputs/<method>/}) holds the golden vectors: whole request frames, request frames
 * without length and CRC, and response frames prefixed by the request type and flags they answer.
 *
 * <p>The property: malformed input ends in a {@link ProtocolException} (the documented way to reject a frame) and
 * never in any other exception, and nothing leaks (Netty's paranoid leak detector runs in every test JVM). In the
 * default build Jazzer runs in regression mode (each corpus file once); {@code -Pslow} sets {@code JAZZER_FUZZ=1}
 * and fuzzes for the {@code maxDuration} of each target. A finding becomes a file in the corpus directory, so it is
 * replayed by every later build.
 */
class ProtocolFuzzTest {

    /** Bytes fed in chunks whose sizes come from the input itself, so split frames are explored too. */
    @FuzzTest(maxDuration = "5m")
    void frameDecoder(byte[] data) {
        EmbeddedChannel ch = new EmbeddedChannel(FrameDecoder.forRequests());
        try {
            int chunk = data.length == 0 ? 1 : 1 + (data[0] & 0x3F);
            for (int i = 0; i < data.length; i += chunk) {
                ch.writeInbound(Unpooled.wrappedBuffer(data, i, Math.min(chunk, data.length - i)));
                releaseInbound(ch);
            }
        } catch (ProtocolException expected) {
            // a rejected frame: the connection would be closed
        } finally {
            releaseInbound(ch);
            ch.finishAndReleaseAll();
        }
    }

    /** A frame as {@link FrameDecoder} emits it (header + payload), decoded as a request. */
    @FuzzTest(maxDuration = "5m")
    void requestDecoder(byte[] data) {
        if (data.length < Frames.REQUEST_HEADER_SIZE) {
            return; // the frame decoder never emits a shorter frame
        }
        ByteBuf frame = Unpooled.wrappedBuffer(data);
        try (DecodedRequest r = RequestCodec.decode(frame)) {
            r.header();
        } catch (ProtocolException expected) {
            // answered with an error code by a broker
        } finally {
            frame.release();
        }
    }

    /** {@code [request type][flags u16][header + payload]}: a response to that request, decoded. */
    @FuzzTest(maxDuration = "5m")
    void responseDecoder(byte[] data) {
        if (data.length < 3 + Frames.RESPONSE_HEADER_SIZE) {
            return;
        }
        ApiKey key = ApiKey.forCode(data[0] & 0xFF);
        if (key == null) {
            return;
        }
        int flags = ((data[1] & 0xFF) << 8) | (data[2] & 0xFF);
        ByteBuf frame = Unpooled.wrappedBuffer(data, 3, data.length - 3);
        try (DecodedResponse r = ResponseCodec.decode(frame, key, flags)) {
            r.header();
        } catch (ProtocolException expected) {
            // a client closes the connection (or fails one Fetch for a corrupt block)
        } finally {
            frame.release();
        }
    }

    private static void releaseInbound(EmbeddedChannel ch) {
        Object o;
        while ((o = ch.readInbound()) != null) {
            ((ByteBuf) o).release();
        }
    }
}

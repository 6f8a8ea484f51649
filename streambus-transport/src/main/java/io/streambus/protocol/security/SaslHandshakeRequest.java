package io.streambus.protocol.security;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;

/**
 * SaslHandshake (0x20, B.5.1).
 *
 * @param mechanism {@code PLAIN}, {@code SCRAM-SHA-256}, {@code SCRAM-SHA-512}, or empty to only list
 */
public record SaslHandshakeRequest(String mechanism) implements RequestBody {
    public SaslHandshakeRequest {
        mechanism = Checks.str(mechanism);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.SASL_HANDSHAKE;
    }

    public void write(ByteBuf out) {
        Wire.string(out, mechanism);
    }

    public static SaslHandshakeRequest read(PayloadReader r) {
        return new SaslHandshakeRequest(r.string("mechanism"));
    }
}

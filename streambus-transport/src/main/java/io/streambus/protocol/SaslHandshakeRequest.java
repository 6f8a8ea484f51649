package io.streambus.protocol;

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

    void write(ByteBuf out) {
        Wire.string(out, mechanism);
    }

    static SaslHandshakeRequest read(PayloadReader r) {
        return new SaslHandshakeRequest(r.string("mechanism"));
    }
}

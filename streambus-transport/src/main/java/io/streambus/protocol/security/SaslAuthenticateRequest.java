package io.streambus.protocol.security;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * SaslAuthenticate (0x21, B.5.2).
 *
 * @param authBytes one client SASL message
 */
public record SaslAuthenticateRequest(byte[] authBytes) implements RequestBody {
    public SaslAuthenticateRequest {
        authBytes = Checks.bytes(authBytes);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.SASL_AUTHENTICATE;
    }

    public void write(ByteBuf out) {
        Wire.bytes(out, authBytes);
    }

    public static SaslAuthenticateRequest read(PayloadReader r) {
        return new SaslAuthenticateRequest(r.bytes("auth bytes"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SaslAuthenticateRequest s && Arrays.equals(authBytes, s.authBytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(authBytes);
    }

    @Override
    public String toString() {
        return "SaslAuthenticateRequest[" + authBytes.length + "B]";
    }
}

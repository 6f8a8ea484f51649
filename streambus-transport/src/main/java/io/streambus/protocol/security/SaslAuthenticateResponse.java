package io.streambus.protocol.security;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/** SaslAuthenticate success payload (B.5.2): the broker's next SASL message. */
public record SaslAuthenticateResponse(byte[] authBytes) implements ResponseBody {
    public SaslAuthenticateResponse {
        authBytes = Checks.bytes(authBytes);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.SASL_AUTHENTICATE;
    }

    public void write(ByteBuf out) {
        Wire.bytes(out, authBytes);
    }

    public static SaslAuthenticateResponse read(PayloadReader r) {
        return new SaslAuthenticateResponse(r.bytes("auth bytes"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SaslAuthenticateResponse s && Arrays.equals(authBytes, s.authBytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(authBytes);
    }

    @Override
    public String toString() {
        return "SaslAuthenticateResponse[" + authBytes.length + "B]";
    }
}

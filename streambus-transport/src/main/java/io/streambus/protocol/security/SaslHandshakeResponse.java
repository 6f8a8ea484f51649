package io.streambus.protocol.security;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;
import java.util.List;

/** SaslHandshake success payload (B.5.1): every enabled mechanism. */
public record SaslHandshakeResponse(List<String> mechanisms) implements ResponseBody {
    public SaslHandshakeResponse {
        mechanisms = Checks.list(mechanisms);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.SASL_HANDSHAKE;
    }

    public void write(ByteBuf out) {
        Wire.stringArray(out, mechanisms);
    }

    public static SaslHandshakeResponse read(PayloadReader r) {
        return new SaslHandshakeResponse(r.stringArray("mechanisms"));
    }
}

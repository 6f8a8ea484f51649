package io.streambus.protocol;

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

    void write(ByteBuf out) {
        Wire.stringArray(out, mechanisms);
    }

    static SaslHandshakeResponse read(PayloadReader r) {
        return new SaslHandshakeResponse(r.stringArray("mechanisms"));
    }
}

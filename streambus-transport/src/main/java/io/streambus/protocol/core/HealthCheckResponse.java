package io.streambus.protocol.core;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;

/** HealthCheck success payload (A.6.7). */
public record HealthCheckResponse(String status, long uptimeSeconds) implements ResponseBody {
    public HealthCheckResponse {
        status = Checks.str(status);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.HEALTH_CHECK;
    }

    public void write(ByteBuf out) {
        Wire.string(out, status);
        out.writeLong(uptimeSeconds);
    }

    public static HealthCheckResponse read(PayloadReader r) {
        return new HealthCheckResponse(r.string("status"), r.i64("uptime"));
    }
}

package io.streambus.protocol;

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

    void write(ByteBuf out) {
        Wire.string(out, status);
        out.writeLong(uptimeSeconds);
    }

    static HealthCheckResponse read(PayloadReader r) {
        return new HealthCheckResponse(r.string("status"), r.i64("uptime"));
    }
}

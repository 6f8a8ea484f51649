package io.streambus.protocol.core;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.RequestBody;

/** HealthCheck (0x07, A.6.7): empty payload (bytes present are ignored). */
public record HealthCheckRequest() implements RequestBody {
    public static final HealthCheckRequest INSTANCE = new HealthCheckRequest();

    @Override
    public ApiKey apiKey() {
        return ApiKey.HEALTH_CHECK;
    }
}

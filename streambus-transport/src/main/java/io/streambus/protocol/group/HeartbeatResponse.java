package io.streambus.protocol.group;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ResponseBody;

/** Heartbeat success payload (B.6.6): empty. */
public record HeartbeatResponse() implements ResponseBody {
    public static final HeartbeatResponse INSTANCE = new HeartbeatResponse();

    @Override
    public ApiKey apiKey() {
        return ApiKey.HEARTBEAT;
    }
}

package io.streambus.protocol.core;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.RequestBody;

/** ListTopics (0x06, A.6.6): empty payload (bytes present are ignored). */
public record ListTopicsRequest() implements RequestBody {
    public static final ListTopicsRequest INSTANCE = new ListTopicsRequest();

    @Override
    public ApiKey apiKey() {
        return ApiKey.LIST_TOPICS;
    }
}

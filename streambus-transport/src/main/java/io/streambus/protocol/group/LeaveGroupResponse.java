package io.streambus.protocol.group;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ResponseBody;

/** LeaveGroup success payload (B.6.7): empty. */
public record LeaveGroupResponse() implements ResponseBody {
    public static final LeaveGroupResponse INSTANCE = new LeaveGroupResponse();

    @Override
    public ApiKey apiKey() {
        return ApiKey.LEAVE_GROUP;
    }
}

package io.streambus.protocol.txn;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ResponseBody;

/** EndXaBranch success payload (spec B.7.8.4): empty. Immutable and thread-safe. */
public record EndXaBranchResponse() implements ResponseBody {
    public static final EndXaBranchResponse INSTANCE = new EndXaBranchResponse();

    @Override
    public ApiKey apiKey() {
        return ApiKey.END_XA_BRANCH;
    }
}

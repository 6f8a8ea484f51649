package io.streambus.protocol.txn;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ResponseBody;

/** AddOffsetsToTxn success payload (B.7.4): empty. */
public record AddOffsetsToTxnResponse() implements ResponseBody {
    public static final AddOffsetsToTxnResponse INSTANCE = new AddOffsetsToTxnResponse();

    @Override
    public ApiKey apiKey() {
        return ApiKey.ADD_OFFSETS_TO_TXN;
    }
}

package io.streambus.protocol.txn;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ResponseBody;

/** PrepareTxn success payload (spec B.7.8.3): empty (XA_OK). Immutable and thread-safe. */
public record PrepareTxnResponse() implements ResponseBody {
    public static final PrepareTxnResponse INSTANCE = new PrepareTxnResponse();

    @Override
    public ApiKey apiKey() {
        return ApiKey.PREPARE_TXN;
    }
}

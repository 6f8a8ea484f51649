package io.streambus.protocol.txn;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ResponseBody;

/** EndTxn success payload (B.7.6): empty. */
public record EndTxnResponse() implements ResponseBody {
    public static final EndTxnResponse INSTANCE = new EndTxnResponse();

    @Override
    public ApiKey apiKey() {
        return ApiKey.END_TXN;
    }
}

package io.streambus.protocol;

/** EndTxn success payload (B.7.6): empty. */
public record EndTxnResponse() implements ResponseBody {
    public static final EndTxnResponse INSTANCE = new EndTxnResponse();

    @Override
    public ApiKey apiKey() {
        return ApiKey.END_TXN;
    }
}

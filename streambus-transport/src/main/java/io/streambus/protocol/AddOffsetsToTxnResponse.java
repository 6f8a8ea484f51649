package io.streambus.protocol;

/** AddOffsetsToTxn success payload (B.7.4): empty. */
public record AddOffsetsToTxnResponse() implements ResponseBody {
    public static final AddOffsetsToTxnResponse INSTANCE = new AddOffsetsToTxnResponse();

    @Override
    public ApiKey apiKey() {
        return ApiKey.ADD_OFFSETS_TO_TXN;
    }
}

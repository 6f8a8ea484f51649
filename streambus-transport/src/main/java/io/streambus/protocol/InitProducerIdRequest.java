package io.streambus.protocol;

import io.netty.buffer.ByteBuf;

/**
 * InitProducerID (0x0E, B.7.2).
 *
 * @param transactionTimeoutMs 0 = broker default
 */
public record InitProducerIdRequest(String transactionalId, int transactionTimeoutMs) implements RequestBody {
    public InitProducerIdRequest {
        transactionalId = Checks.str(transactionalId);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.INIT_PRODUCER_ID;
    }

    void write(ByteBuf out) {
        Wire.string(out, transactionalId);
        out.writeInt(transactionTimeoutMs);
    }

    static InitProducerIdRequest read(PayloadReader r) {
        return new InitProducerIdRequest(r.string("transaction id"), r.i32("transaction timeout ms"));
    }
}

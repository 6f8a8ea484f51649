package io.streambus.protocol.txn;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.Wire;
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

    public void write(ByteBuf out) {
        Wire.string(out, transactionalId);
        out.writeInt(transactionTimeoutMs);
    }

    public static InitProducerIdRequest read(PayloadReader r) {
        return new InitProducerIdRequest(r.string("transaction id"), r.i32("transaction timeout ms"));
    }
}

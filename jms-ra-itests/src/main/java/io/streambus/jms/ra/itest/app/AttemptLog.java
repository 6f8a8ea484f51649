package io.streambus.jms.ra.itest.app;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import javax.sql.DataSource;

/**
 * Records a delivery attempt in a transaction of its own, so the record survives the rollback of the delivery that
 * made it. Stateless session bean.
 */
@Stateless
public class AttemptLog {
    @Resource(lookup = Names.DATASOURCE)
    private DataSource dataSource;

    /** Inserts (id, deliveryCount) into the attempt table and commits at once. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void record(String id, int deliveryCount) {
        Rows.insert(dataSource, Names.ATTEMPT_TABLE, id, deliveryCount);
    }
}

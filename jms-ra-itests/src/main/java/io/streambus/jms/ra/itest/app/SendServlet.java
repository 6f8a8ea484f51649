package io.streambus.jms.ra.itest.app;

import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code POST /send?id=X&outcome=commit|rollback}: one {@link OutboundSender} transaction (row + message); answers
 * once that transaction has completed, 200 with the outcome, or 500 with the failure. Thread-safe.
 */
@WebServlet("/send")
public class SendServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @EJB
    private OutboundSender sender;

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String id = req.getParameter("id");
        String outcome = req.getParameter("outcome");
        if (id == null || !("commit".equals(outcome) || "rollback".equals(outcome))) {
            resp.sendError(400, "id and outcome=commit|rollback are required");
            return;
        }
        resp.setContentType("text/plain");
        try {
            sender.insertAndSend(id, "rollback".equals(outcome));
            resp.getWriter().write(outcome);
        } catch (EJBException e) {
            resp.setStatus(500);
            e.printStackTrace(resp.getWriter());
        }
    }
}

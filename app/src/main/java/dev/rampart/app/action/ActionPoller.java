package dev.rampart.app.action;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Follows pending actions on every node: each tick leases the due ones ({@link ActionService#follow}), so that each
 * action is asked about by one node at a time and a restart loses nothing (the schedule is in the database).
 */
@Component
public class ActionPoller {
    private static final Logger LOG = LoggerFactory.getLogger(ActionPoller.class);
    private final ActionService actions;
    private final String node;

    public ActionPoller(
            ActionService actions, @org.springframework.beans.factory.annotation.Qualifier("nodeName") String node) {
        this.actions = actions;
        this.node = node;
    }

    @Scheduled(
            fixedDelayString = "#{${rampart.actions.poll-seconds:5} * 1000}",
            initialDelayString = "#{${rampart.actions.poll-seconds:5} * 1000}")
    public void tick() {
        try {
            actions.follow(node);
        } catch (RuntimeException e) {
            LOG.warn("following actions failed: {}", e.toString());
        }
    }
}

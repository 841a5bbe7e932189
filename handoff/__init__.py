"""Human handoff: the per-conversation state machine, the packet for staff, the queue, and the
Slack staff channel where people claim, answer, resolve and hand conversations back."""

"""In-app notifications (站内消息): one row per recipient, written at most once per reminder."""

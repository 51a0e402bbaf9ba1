"""The signed-in user's own view: who they are, what they may start, what waits for them."""

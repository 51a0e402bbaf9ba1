"""The control room (总控制室): the group's figures computed by the database, and the live feed
of domain events."""

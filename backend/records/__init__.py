"""The records behind the group's official tables (附表1/2), the three-year action campaigns
and their table submissions, trainings and drills, commendations and accountability, and the
documents attached to them."""

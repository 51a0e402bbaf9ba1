"""AnXun 安巡: safety patrol and hazard rectification."""

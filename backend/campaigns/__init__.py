"""质监办's dispatched campaigns (专项检查 / 节假日检查) with their 回执, and the records of
external inspections (上级检查) whose findings become hazards."""

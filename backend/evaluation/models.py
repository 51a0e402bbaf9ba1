from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, TimestampMixin


class EvaluationWeights(TimestampMixin, Base):
    """A group's evaluation weights and targets (one row per group, written on the first
    change; until then the defaults of :data:`backend.evaluation.scoring.DEFAULT_WEIGHTS` and
    :data:`~backend.evaluation.scoring.DEFAULT_PARAMETERS` apply, as version 0). The unique
    group decides between concurrent first changes, ``version`` between later ones."""

    __tablename__ = "evaluation_weights"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), unique=True)
    on_time_closure_weight: Mapped[int]
    overdue_weight: Mapped[int]
    patrol_completion_weight: Mapped[int]
    repeat_findings_weight: Mapped[int]
    tables_on_time_weight: Mapped[int]
    drills_trainings_weight: Mapped[int]
    overdue_full_penalty_days: Mapped[int]
    drills_per_year: Mapped[int]
    trainings_per_year: Mapped[int]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

"""Settings, read from ``ANXUN_*`` environment variables (and ``.env``)."""

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ANXUN_", env_file=".env", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file anxun.db in data_dir"
    )
    secret_key: str | None = Field(
        default=None, description="HMAC secret; default: generated once into data_dir/secret.key"
    )
    group_name: str = "后勤集团"
    token_lifetime_hours: int = Field(default=7 * 24, ge=1, le=90 * 24)
    one_time_password_hours: int = Field(
        default=72, ge=1, le=30 * 24,
        description="a one-time password an administrator made expires unused after this long")
    login_max_failures: int = Field(default=5, ge=1)
    login_failure_window_minutes: int = Field(default=15, ge=1)
    login_lockout_minutes: int = Field(default=15, ge=1)
    upload_max_bytes: int = Field(default=25 * 1024 * 1024, ge=1024)
    upload_max_pixels: int = Field(default=50_000_000, ge=1_000_000)
    photo_storage: Literal["local", "s3"] = "local"
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: str | None = None
    s3_prefix: str = ""
    photo_url_ttl_seconds: int = Field(default=3600, ge=60, le=7 * 24 * 3600)
    export_photo_url_ttl_hours: int = Field(
        default=168, ge=1, le=31 * 24,
        description="how long the signed photo links in an export (CSV/XLSX) stay valid: a "
                    "file is read for days, not the hour of a page")
    photo_watermark: bool = True
    watermark_font: Path | None = Field(
        default=None, description="a CJK TrueType/OpenType font; default: found on the system"
    )
    photo_workers: int | None = Field(default=None, ge=1, le=64, description="default: cores")
    photo_queue: int = Field(default=16, ge=0)
    photo_decode_timeout_seconds: float = Field(default=30, gt=0)
    photo_worker_memory_mb: int = Field(default=1024, ge=256)
    hazard_plan_required: list[str] = Field(
        default=["assignee_id", "measures", "cost_estimate", "deadline", "interim_measures"],
        description="plan fields an assignment must fill (五定); add rechecker_id for 六定",
    )
    major_hazard_governance_plan: bool = Field(
        default=True, description="a major hazard's assignment needs a 治理方案 (governance_plan) "
                                  "instead of measures, cost_estimate and interim_measures")
    photo_capture_gap_hours: int = Field(
        default=24, ge=1, description="flag evidence photos taken this long before the report")
    pwa_dir: Path | None = Field(
        default=None, description="the built phone app; default: pwa/dist of the source tree")
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = Field(
        default=None, pattern=r"^https?://[^/?#\s]+(/[^?#\s]*)?$",
        description="the address users reach the server at (https://anxun.example.edu.cn): "
                    "absolute links are built from it, never from a request's Host header; "
                    "default: links are relative")
    photo_gc_age_hours: int | None = Field(
        default=None, ge=1,
        description="photos-gc deletes uploads nothing references after this long; default: "
                    "the longer of 7 days and the token lifetime, so a phone offline as long as "
                    "its login lasts still finds the photos its queued reports use")

    scheduler_enabled: bool = Field(
        default=True, description="run the scheduler (reminders, escalation) inside the app; "
                                  "off when `anxun worker` runs it alone, and in tests")
    scheduler_interval_seconds: int = Field(default=60, ge=1, le=3600)
    reminder_deadline_days: int = Field(
        default=3, ge=0, description="tell the assignee this many days before the deadline")
    escalate_manager_after_days: int = Field(
        default=3, ge=1, description="overdue this many days: the center's managers are told")
    escalate_qa_after_days: int = Field(
        default=7, ge=1, description="overdue this many days: 质监办 is told")
    receipt_reminder_days: int = Field(
        default=2, ge=0, description="remind a campaign's target centers of their 回执 this many "
                                     "days before it is due (and daily while it is late)")
    attachment_max_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1024, description="a campaign's notice document, at most")
    task_due_hour: int = Field(
        default=6, ge=0, le=23, description="from this hour (Asia/Shanghai) each inspector is "
                                            "told of the day's patrol tasks, once a day")

    webhook_allow_private_targets: bool = Field(
        default=False, description="let webhooks reach private, loopback and link-local "
                                   "addresses (a receiver inside the campus network); off, such "
                                   "URLs are refused when saved and again at each send")
    webhook_interval_seconds: float = Field(
        default=1.0, ge=0.05, le=60, description="how often the webhook worker looks for new "
                                                "events and due retries")
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60,
                                           description="per delivery attempt (connect + answer)")
    webhook_lease_seconds: int = Field(
        default=120, ge=10, le=3600, description="a worker sending a delivery holds it this "
                                                 "long; a worker killed mid-send leaves it to "
                                                 "another after it")
    webhook_concurrency: int = Field(default=8, ge=1, le=64,
                                     description="deliveries a worker sends at once")
    webhook_retry_first_seconds: int = Field(
        default=30, ge=1, description="the first retry's delay; each next one doubles")
    webhook_retry_max_seconds: int = Field(default=3600, ge=1,
                                           description="the longest delay between retries")
    webhook_retry_hours: int = Field(default=24, ge=1, le=24 * 7,
                                     description="a delivery is retried this long, then failed")
    rate_limit_user_per_minute: int = Field(
        default=600, ge=0, description="requests a person may make per window (all their "
                                       "sessions together); 0: no limit")
    rate_limit_key_per_minute: int = Field(
        default=600, ge=0, description="requests an API key may make per window, unless the key "
                                       "has its own limit; 0: no limit")
    rate_limit_window_seconds: int = Field(
        default=60, ge=1, le=3600, description="the rate limits' window (the name says minute: "
                                               "the default)")

    audit_key: str | None = Field(
        default=None, min_length=16,
        description="the audit chain's HMAC key; default: derived from the secret. Keep it off "
                    "the database's host and out of its backups (a systemd credential, a vault), "
                    "and never change it: entries written with it verify only with it")
    audit_anchor_dir: Path | None = Field(
        default=None, description="where the audit chain's head is anchored (a file appended "
                                  "daily and by `anxun audit anchor`); default: data_dir/anchors. "
                                  "In production another disk or host (an NFS or WORM mount): "
                                  "whoever can rewrite the database must not reach it")
    audit_anchor_url: str | None = Field(
        default=None, pattern=r"^https?://\S+$",
        description="also POST each anchor here (JSON, signed as the webhooks are)")
    audit_anchor_secret: str | None = Field(
        default=None, min_length=16,
        description="the anchor POST's signing secret (X-AnXun-Signature); required with the URL")

    @model_validator(mode="after")
    def _anchor_url_needs_secret(self) -> "Settings":
        if self.audit_anchor_url and not self.audit_anchor_secret:
            raise ValueError("ANXUN_AUDIT_ANCHOR_URL needs ANXUN_AUDIT_ANCHOR_SECRET")
        return self

    @property
    def anchor_dir(self) -> Path:
        return self.audit_anchor_dir or self.data_dir / "anchors"

    log_format: Literal["json", "plain"] = Field(
        default="json", description="log lines as JSON objects (for a log collector) or plain "
                                    "text (to read in a terminal; `make run` uses it)")
    metrics_token: str | None = Field(
        default=None, description="the bearer token GET /metrics asks for (Prometheus "
                                  "`authorization: {credentials: ...}`); unset: /metrics is 404")
    worker_metrics_port: int | None = Field(
        default=None, ge=1, le=65535, description="`anxun worker` serves its own metrics "
                                                  "(scheduler passes) on this port, behind "
                                                  "metrics_token; unset: none")
    metrics_dir: Path | None = Field(
        default=None, description="`anxun serve --workers N` (N > 1): where the workers write "
                                  "their metrics for each other (its *.db files are deleted at "
                                  "start; anything else in it refuses the start); default: "
                                  "a new temporary directory per start")

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'anxun.db').resolve()}"

    @property
    def secret(self) -> str:
        """The configured secret, or one generated on first use and kept in the data dir."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret.key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            try:
                with open(path, "x", encoding="ascii") as fh:
                    path.chmod(0o600)
                    fh.write(secrets.token_urlsafe(48))
            except FileExistsError:
                pass  # another process created it first; use theirs
        self.secret_key = path.read_text(encoding="ascii").strip()
        return self.secret_key


@lru_cache
def get_settings() -> Settings:
    return Settings()

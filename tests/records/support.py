"""People and bodies the records' tests share."""

import io
import uuid
import zipfile
from dataclasses import dataclass

from backend.accounts.models import User
from backend.vocab import Role
from tests.factories import Factory

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
API = "/api/v1"


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in ("[Content_Types].xml", "word/document.xml"):
            archive.writestr(name, "<x/>")
    return out.getvalue()


@dataclass
class People:
    qa: User
    leader: User
    admin: User
    manager: User  # the catering center's
    inspector: User
    other_manager: User  # the property center's
    other_inspector: User


def people(make: Factory) -> People:
    org = make.org
    return People(qa=make.user(Role.qa_officer, center=org.qa), leader=make.user(Role.leader),
                  admin=make.user(Role.admin),
                  manager=make.user(Role.center_manager, center=org.catering),
                  inspector=make.user(Role.inspector, center=org.catering),
                  other_manager=make.user(Role.center_manager, center=org.property),
                  other_inspector=make.user(Role.inspector, center=org.property))


def regulation_body(**overrides: object) -> dict:
    return {"title": "燃气使用安全操作规定", "doc_number": "饮食字〔2023〕5号",
            "issued_on": "2023-05-10", "client_id": str(uuid.uuid4()), **overrides}


def training_body(**overrides: object) -> dict:
    return {"kind": "drill", "held_on": "2026-03-12", "topic": "后厨燃气泄漏应急演练",
            "participant_count": 24, "participant_names": ["张三", "李四"],
            "duration_minutes": 60, **overrides}


def action_body(**overrides: object) -> dict:
    return {"title": "安全生产治本攻坚三年行动（2024-2026年）", "first_year": 2024,
            "last_year": 2026, "table1_due_on": "2024-06-30", "table2_due_on": "2024-12-31",
            "table3_due_on": "2024-06-30", **overrides}

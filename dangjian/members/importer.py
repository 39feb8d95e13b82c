"""党员名册 (the member roster) in Excel: the template, the import (preview, then an all-or-nothing
commit) and the export. Web pages and the `dangjian import members` command both call this module.

Row numbers in every message are the row numbers Excel shows in its left margin, so the header row
counts: in the template the header is row 1 and the first member is on row 2. A file may carry a
caption above the header; the header row is found by its column names, and the numbering stays
the one the user sees.

Every row is judged by `clean_member_data` (the same check as the web form and the API) plus the
roster's own checks: the branch and group, duplicates inside the file, and ID numbers already in
the registry. A row whose ID number belongs to a member inside the organization's subtree updates
that member; one registered in another subtree is an error that does not say where.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from dangjian.audit.models import EventType
from dangjian.audit.services import audit_record
from dangjian.core import pii
from dangjian.core.planner import refresh_statistics
from dangjian.core.xlsx import Sheet, SpreadsheetError, read_rows, workbook_bytes
from dangjian.lib import idcard
from dangjian.lib.masking import mask_id_number, mask_phone
from dangjian.members.models import (
    Education,
    FloatingDirection,
    Gender,
    Member,
    MemberCategory,
    Membership,
    MemberStatus,
)
from dangjian.members.selectors import MemberFilters, member_list
from dangjian.members.services import PLAIN_FIELDS, name_initials
from dangjian.members.validation import LABELS, clean_member_data
from dangjian.orgs.models import Organization, OrgKind

PLACEMENT_KINDS = frozenset({OrgKind.BRANCH, OrgKind.GENERAL_BRANCH})
MAX_ROWS_DEFAULT = 20_000
MAX_UNCOMPRESSED_DEFAULT = 200 * 1024 * 1024
_LOOKUP_CHUNK = 1000
_WRITE_BATCH = 500


# ---------------------------------------------------------------------------------------------
# Columns of the template (and of the export, so that an export can be edited and imported again)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", True, ("党员姓名",), "与身份证一致"),
    Column(
        "id_number",
        "公民身份号码",
        True,
        ("身份证号码", "身份证号", "公民身份证号码", "身份证"),
        "18位，末位可为X。本列须为文本格式：Excel把号码存成数字会丢失末几位，这样的行会被指出",
    ),
    Column("gender", "性别", False, (), "男或女；可不填，按身份证号码得出，填写的须与号码一致"),
    Column("ethnicity", "民族", False, (), "如：汉族；不填按汉族（更新时不填则保持原值）"),
    Column("birth_date", "出生日期", False, ("出生年月日",), "可不填，按身份证号码得出，填写的须与号码一致"),
    Column(
        "education", "学历", True, ("文化程度",), "、".join(Education.labels) + "（也可填本科、大专、初中等）"
    ),
    Column(
        "phone", "联系电话", False, ("手机号码", "手机", "电话", "联系方式"), "11位手机号或带区号的固定电话"
    ),
    Column("address", "居住地址", False, ("住址", "家庭住址", "现居住地址")),
    Column(
        "branch",
        "所在党支部",
        False,
        ("党支部", "所在支部", "所在党组织"),
        "党支部或党总支的组织代码或名称（见“党组织代码”表）；导入到某一党支部时可不填；"
        "已登记党员不填则保持原党支部",
    ),
    Column("group", "党小组", False, ("所在党小组",), "党小组的名称或代码，须属于所在党支部；可不填"),
    Column("category", "党员类别", True, ("类别",), "、".join(MemberCategory.labels)),
    Column("employer", "工作单位", False, (), "在职党员必填"),
    Column("floating_direction", "流动方向", False, (), "流动党员必填：流入或流出"),
    Column(
        "floating_place",
        "流入地/流出地",
        False,
        ("流入地", "流出地", "流入地或流出地", "流入流出地"),
        "流动党员必填",
    ),
    Column("status", "党员状态", True, ("党员身份",), "、".join(MemberStatus.labels)),
    Column("joined_on", "入党日期", True, ("入党时间",), "如 2020-07-01、2020/7/1 或 2020年7月1日"),
    Column("confirmed_on", "转正日期", False, ("转正时间",), "正式党员填写；预备党员不填"),
    Column("hardship", "困难党员", False, (), "是或否，不填为否"),
    Column("elderly", "高龄党员", False, (), "是或否，不填为否"),
    Column("mobility_impaired", "行动不便", False, ("行动不便党员",), "是或否，不填为否"),
    Column("remarks", "备注", False, ()),
)
HEADERS = [c.header for c in COLUMNS]
_BY_KEY = {c.key: c for c in COLUMNS}
_COLUMN_ORDER = {c.key: i for i, c in enumerate(COLUMNS)}
CHANGES_SHOWN = 500
_TEXT_LIMITS = {
    f: Member._meta.get_field(f).max_length for f in ("ethnicity", "address", "employer", "floating_place")
}


def _norm(value: str) -> str:
    """Compare form of a header or a choice: full-width folded, no spaces, no required-markers."""
    text = unicodedata.normalize("NFKC", value)
    text = re.sub(r"\s+", "", text).replace("*", "")
    return text.replace("(必填)", "").lower()


_HEADER_LOOKUP: dict[str, str] = {}
for _col in COLUMNS:
    for _name in (_col.header, *_col.aliases):
        _HEADER_LOOKUP[_norm(_name)] = _col.key


def _choice_map(choices: Any, extra: dict[str, str]) -> dict[str, str]:
    out = {}
    for value, label in choices.choices:
        out[_norm(label)] = value
        out[_norm(value)] = value
    out.update({_norm(k): str(v) for k, v in extra.items()})
    return out


_CHOICES: dict[str, dict[str, str]] = {
    "education": _choice_map(
        Education,
        {
            "研究生及以上": Education.POSTGRADUATE,
            "博士": Education.POSTGRADUATE,
            "硕士": Education.POSTGRADUATE,
            "博士研究生": Education.POSTGRADUATE,
            "硕士研究生": Education.POSTGRADUATE,
            "本科": Education.UNDERGRADUATE,
            "大学": Education.UNDERGRADUATE,
            "大专": Education.COLLEGE,
            "专科": Education.COLLEGE,
            "中技": Education.SECONDARY_VOCATIONAL,
            "技校": Education.SECONDARY_VOCATIONAL,
            "职高": Education.HIGH_SCHOOL,
            "初中": Education.JUNIOR_OR_BELOW,
            "小学": Education.JUNIOR_OR_BELOW,
        },
    ),
    "category": _choice_map(
        MemberCategory,
        {
            "居民": MemberCategory.RESIDENT,
            "在职": MemberCategory.IN_SERVICE,
            "流动": MemberCategory.FLOATING,
        },
    ),
    "status": _choice_map(MemberStatus, {"正式": MemberStatus.FULL, "预备": MemberStatus.PROBATIONARY}),
    "floating_direction": _choice_map(
        FloatingDirection,
        {
            "流入": FloatingDirection.INBOUND,
            "流出": FloatingDirection.OUTBOUND,
        },
    ),
    "gender": _choice_map(Gender, {"男性": Gender.MALE, "女性": Gender.FEMALE}),
}
_TRUE = {_norm(v) for v in ("是", "y", "yes", "true", "1", "√", "✓", "有")}
_FALSE = {_norm(v) for v in ("否", "n", "no", "false", "0", "无", "")}
_SHORT_DIRECTION = {str(FloatingDirection.INBOUND): "流入", str(FloatingDirection.OUTBOUND): "流出"}

# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class RowError:
    row: int  # the row number Excel shows (header row counted); 0 = the file as a whole
    column: str  # the column header as written in the file ("" when the error is not about one column)
    message: str

    def __str__(self) -> str:
        if self.row == 0:
            return f"文件：{self.message}"
        if self.column:
            return f"行 {self.row}，列「{self.column}」：{self.message}"
        return f"行 {self.row}：{self.message}"


@dataclass
class _Planned:
    row: int
    cleaned: dict[str, Any]
    organization: Organization
    group: Organization | None
    existing: Member | None
    changed: list[str]


@dataclass
class ImportResult:
    organization: Organization
    file_name: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    changes: list[tuple[int, str, list[str]]] = field(default_factory=list)  # (row, name, changed labels)
    committed: bool = False
    member_ids: list[int] = field(default_factory=list)
    plan: list[_Planned] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors


class UploadRejected(ValueError):
    """The uploaded file is not a spreadsheet we accept; the message is Chinese and user-facing."""


# ---------------------------------------------------------------------------------------------
# The uploaded file: type by content, zip-bomb guard


_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_spreadsheet_file(path: str | Path) -> str:
    """The file's real type ("xlsx", "ods" or "xls") judged by its content, or UploadRejected."""
    path = Path(path)
    size = path.stat().st_size
    if size > settings.UPLOAD_MAX_BYTES:
        raise UploadRejected(f"文件过大（上限{settings.UPLOAD_MAX_BYTES // (1024 * 1024)}MB）")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(_OLE2_MAGIC):
        return "xls"
    if not head.startswith(_ZIP_MAGIC):
        raise UploadRejected("文件类型不正确：请上传Excel（.xlsx、.xls）或WPS、LibreOffice保存的表格（.ods）")
    limit = getattr(settings, "IMPORT_MAX_UNCOMPRESSED_BYTES", MAX_UNCOMPRESSED_DEFAULT)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if len(infos) > 10_000 or sum(i.file_size for i in infos) > limit:
                raise UploadRejected("文件解压后过大，不能导入")
            # The directory may lie about sizes: decompress in chunks and stop at the limit.
            total = 0
            for info in infos:
                with zf.open(info) as member:
                    while chunk := member.read(1 << 20):
                        total += len(chunk)
                        if total > limit:
                            raise UploadRejected("文件解压后过大，不能导入")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError) as exc:
        raise UploadRejected("文件已损坏或已加密，无法读取") from exc
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return "xlsx"
    if "content.xml" in names and "mimetype" in names:
        return "ods"
    raise UploadRejected("文件类型不正确：这不是表格文件，请上传Excel或WPS表格")


# ---------------------------------------------------------------------------------------------
# Cell values


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?e\+?\d+$", re.IGNORECASE)
_AS_NUMBER = "该号码被Excel存成了数字（18位号码会丢失末几位）：请把本列设为“文本”格式后重新录入号码"


def _id_cell(value: Any) -> tuple[str, str | None]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "", _AS_NUMBER
    text = unicodedata.normalize("NFKC", _text(value)).replace(" ", "")
    if _SCIENTIFIC.match(text):
        return "", _AS_NUMBER
    if "*" in text:
        return "", "身份证号码为脱敏显示，无法导入：请填写完整号码（或使用含完整号码的导出文件）"
    return text, None


def _phone_cell(value: Any) -> tuple[str, str | None]:
    text = unicodedata.normalize("NFKC", _text(value)).replace(" ", "")
    if "*" in text:
        return "", "联系电话为脱敏显示，无法导入：请填写完整号码或留空"
    return text, None


_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_BAD_DATE = "日期格式不正确，应为 2020-07-01、2020/7/1 或 2020年7月1日"


def _date_cell(value: Any) -> tuple[dt.date | None, str | None]:
    if value is None or value == "":
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, bool):
        return None, _BAD_DATE
    if isinstance(value, int | float):
        if float(value).is_integer() and _COMPACT_DATE.match(str(int(value))):
            return _ymd(_COMPACT_DATE.match(str(int(value))))  # type: ignore[arg-type]
        if 7_000 <= value < 80_000:  # an Excel serial day number (1919 to 2119)
            return _EXCEL_EPOCH + dt.timedelta(days=int(value)), None
        return None, _BAD_DATE
    if not isinstance(value, str):
        return None, _BAD_DATE
    text = unicodedata.normalize("NFKC", value).strip()
    text = re.split(r"[ T]\d{1,2}:\d{2}", text)[0].strip()  # "2020-07-01 00:00:00"
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if not match:
        return None, _BAD_DATE
    return _ymd(match)


def _ymd(match: re.Match[str]) -> tuple[dt.date | None, str | None]:
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3])), None
    except ValueError:
        return None, "日期无效（不存在的日期）"


def _bool_cell(value: Any) -> tuple[bool, str | None]:
    if isinstance(value, bool):
        return value, None
    key = _norm(_text(value))
    if key in _TRUE:
        return True, None
    if key in _FALSE:
        return False, None
    return False, "应填写“是”或“否”（不填为否）"


def _parse_cell(key: str, value: Any) -> tuple[Any, str | None]:
    """One cell to the value `clean_member_data` expects, or an error about the cell itself."""
    if key == "id_number":
        return _id_cell(value)
    if key == "phone":
        return _phone_cell(value)
    if key in ("birth_date", "joined_on", "confirmed_on"):
        return _date_cell(value)
    if key in ("hardship", "elderly", "mobility_impaired"):
        return _bool_cell(value)
    text = _text(value)
    if key in ("gender", "floating_direction"):
        if not text:
            return None if key == "gender" else "", None
        found = _CHOICES[key].get(_norm(text))
        if found is None:
            return None, "性别应为男或女" if key == "gender" else "流动方向应为流入或流出"
        return found, None
    if key in ("education", "category", "status"):
        # Unknown text passes through: clean_member_data names the allowed values.
        return _CHOICES[key].get(_norm(text), text), None
    return text, None


# ---------------------------------------------------------------------------------------------
# Reading the sheet


@dataclass
class _Sheet:
    header_row: int  # Excel row number of the header
    columns: dict[str, tuple[int, str]]  # key -> (column index, header as written)
    ignored: list[str]
    rows: list[tuple[int, dict[str, Any]]]  # (Excel row number, key -> raw cell) for non-blank rows


def _read_sheet(rows: list[list[Any]], errors: list[RowError]) -> _Sheet | None:
    header_index = None
    for index, row in enumerate(rows[:10]):
        keys = {_HEADER_LOOKUP.get(_norm(_text(cell))) for cell in row}
        if "name" in keys and "id_number" in keys:
            header_index = index
            break
    if header_index is None:
        errors.append(RowError(0, "", "未找到表头：应有“姓名”“公民身份号码”等列名，请使用下载的导入模板"))
        return None
    header_row = header_index + 1
    columns: dict[str, tuple[int, str]] = {}
    ignored: list[str] = []
    for col, cell in enumerate(rows[header_index]):
        written = _text(cell)
        if not written:
            continue
        key = _HEADER_LOOKUP.get(_norm(written))
        if key is None:
            ignored.append(written)
        elif key in columns:
            errors.append(RowError(header_row, written, f"列“{_BY_KEY[key].header}”重复出现"))
        else:
            columns[key] = (col, written)
    for column in COLUMNS:
        if column.required and column.key not in columns:
            errors.append(RowError(header_row, column.header, "缺少此列（必填）"))
    data = []
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        if all(_text(cell) == "" for cell in row):
            continue
        data.append(
            (index + 1, {key: (row[col] if col < len(row) else "") for key, (col, _) in columns.items()})
        )
    return _Sheet(header_row, columns, ignored, data)


# ---------------------------------------------------------------------------------------------
# Organizations of the subtree


class _Orgs:
    def __init__(self, root: Organization) -> None:
        self.root = root
        orgs = list(Organization.objects.filter(path__startswith=root.path))
        self.by_code = {o.code.strip().upper(): o for o in orgs}
        self.by_name: dict[str, list[Organization]] = defaultdict(list)
        self.groups: dict[int, list[Organization]] = defaultdict(list)
        for org in orgs:
            if org.kind == OrgKind.GROUP:
                self.groups[org.parent_id].append(org)
            else:
                self.by_name[_norm(org.name)].append(org)

    @staticmethod
    def _code_in(text: str) -> str | None:
        match = re.match(r"^.*\((?P<code>[^()]+)\)$", unicodedata.normalize("NFKC", text).strip())
        return match["code"].strip().upper() if match else None

    def branch(self, text: str, prefer: Organization | None) -> tuple[Organization | None, str | None]:
        code = unicodedata.normalize("NFKC", text).strip().upper()
        org = self.by_code.get(code) or self.by_code.get(self._code_in(text) or "")
        if org is None:
            candidates = self.by_name.get(_norm(text), [])
            if len(candidates) > 1:
                if prefer is not None and prefer in candidates:
                    org = prefer
                else:
                    return None, f"名称“{text}”对应多个党组织，请改填组织代码（见模板的“党组织代码”表）"
            elif candidates:
                org = candidates[0]
        if org is None:
            return None, f"在“{self.root.name}”范围内未找到党支部“{text}”"
        if org.kind == OrgKind.GROUP:
            return None, f"“{org.name}”是党小组：党员应编入党支部，党小组请填在“党小组”列"
        if org.kind not in PLACEMENT_KINDS:
            return None, f"“{org.name}”是{OrgKind(org.kind).label}：党员应编入党支部或党总支"
        if org.dissolved_on is not None:
            return None, f"党支部“{org.name}”已撤销"
        return org, None

    def group(self, text: str, branch: Organization) -> tuple[Organization | None, str | None]:
        wanted_code = unicodedata.normalize("NFKC", text).strip().upper()
        inner_code = self._code_in(text)
        for group in self.groups.get(branch.pk, []):
            if _norm(group.name) == _norm(text) or group.code.upper() in (wanted_code, inner_code):
                if group.dissolved_on is not None:
                    return None, f"党小组“{group.name}”已撤销"
                return group, None
        return None, f"党小组“{text}”不属于所在党支部“{branch.name}”"


# ---------------------------------------------------------------------------------------------
# Preview: every row judged, nothing written


def _today() -> dt.date:
    return timezone.localdate()


def _existing_members(digests: Iterable[str], *, lock: bool) -> dict[str, Member]:
    """Members holding any of these ID hashes, anywhere in the registry (a few queries per file)."""
    qs = Member.objects.select_related("organization", "group")
    if lock:
        qs = qs.select_for_update(of=("self",))
    wanted = sorted(set(digests))
    found: dict[str, Member] = {}
    for start in range(0, len(wanted), _LOOKUP_CHUNK):
        for member in qs.filter(id_number_hmac__in=wanted[start : start + _LOOKUP_CHUNK]):
            found[member.id_number_hmac] = member
    return found


def _new_base() -> dict[str, Any]:
    return {
        "name": "",
        "id_number": "",
        "gender": None,
        "birth_date": None,
        "ethnicity": "汉族",
        "education": "",
        "phone": "",
        "address": "",
        "category": "",
        "employer": "",
        "floating_direction": "",
        "floating_place": "",
        "status": "",
        "joined_on": None,
        "confirmed_on": None,
        "lost_contact_since": None,
        "hardship": False,
        "elderly": False,
        "mobility_impaired": False,
        "remarks": "",
    }


def _existing_base(member: Member, phone_given: bool) -> dict[str, Any]:
    base = {f: getattr(member, f) for f in PLAIN_FIELDS}
    base["gender"] = base["birth_date"] = None  # derived from the ID number again
    base["phone"] = "" if phone_given else member.phone  # decrypt only when the file has no phone column
    return base


def _prepare(
    *, organization: Organization, rows: list[list[Any]], file_name: str, lock: bool = False
) -> ImportResult:
    result = ImportResult(organization=organization, file_name=file_name)
    sheet = _read_sheet(rows, result.errors)
    if sheet is None:
        return result
    result.ignored_headers = sheet.ignored
    result.rows = len(sheet.rows)
    max_rows = getattr(settings, "IMPORT_MAX_ROWS", MAX_ROWS_DEFAULT)
    if result.rows > max_rows:
        result.errors.append(
            RowError(0, "", f"文件共{result.rows}行，超过单次导入上限{max_rows}行，请分批导入")
        )
        return result
    if result.errors:  # missing or repeated columns: rows cannot be read reliably
        return result
    if not sheet.rows:
        result.errors.append(RowError(0, "", "文件中没有党员数据（表头下方为空）"))
        return result
    header_of = {key: written for key, (_, written) in sheet.columns.items()}

    def header(key: str) -> str:
        if key in header_of:
            return header_of[key]
        return _BY_KEY[key].header if key in _BY_KEY else LABELS.get(key, key)

    # Pass 1: cells, and the ID number of every row.
    parsed: list[tuple[int, dict[str, Any], dict[str, str], str]] = []
    rows_by_id: dict[str, list[int]] = defaultdict(list)
    for row_no, raw in sheet.rows:
        given: dict[str, Any] = {}
        cell_errors: dict[str, str] = {}
        for key, value in raw.items():
            given[key], message = _parse_cell(key, value)
            if message:
                cell_errors[key] = message
        number = ""
        if given.get("id_number") and "id_number" not in cell_errors:
            try:
                number = idcard.parse(given["id_number"]).value
            except idcard.IdNumberError:
                number = ""  # reported by clean_member_data below
        if number:
            rows_by_id[number].append(row_no)
        parsed.append((row_no, given, cell_errors, number))

    digests = {number: pii.digest(number) for number in rows_by_id}
    ctx = _Context(
        root=organization,
        orgs=_Orgs(organization),
        today=_today(),
        rows_by_id=rows_by_id,
        existing=_existing_members(digests.values(), lock=lock),
        digests=digests,
    )

    # Pass 2: the whole row.
    for row_no, given, cell_errors, number in parsed:
        errors, planned = _judge_row(ctx, row_no, given, cell_errors, number)
        if errors:
            for key in sorted(errors, key=lambda k: _COLUMN_ORDER.get(k, 99)):
                result.errors.append(RowError(row_no, header(key), errors[key]))
            continue
        assert planned is not None
        result.plan.append(planned)
        if planned.existing is None:
            result.created += 1
        elif planned.changed:
            result.updated += 1
            if len(result.changes) < CHANGES_SHOWN:
                labels = [_BY_KEY[f].header if f in _BY_KEY else f for f in planned.changed]
                result.changes.append((row_no, planned.cleaned["name"], labels))
        else:
            result.unchanged += 1
    return result


@dataclass
class _Context:
    root: Organization
    orgs: _Orgs
    today: dt.date
    rows_by_id: dict[str, list[int]]  # normalized ID number -> the Excel rows holding it
    existing: dict[str, Member]  # ID hash -> member already registered (anywhere)
    digests: dict[str, str]  # normalized ID number -> its hash


def _judge_row(
    ctx: _Context, row_no: int, given: dict[str, Any], cell_errors: dict[str, str], number: str
) -> tuple[dict[str, str], _Planned | None]:
    """One row against the registry: ({field: message}, None) or ({}, what the commit will do)."""
    errors = dict(cell_errors)
    existing = ctx.existing.get(ctx.digests[number]) if number else None
    if number and len(ctx.rows_by_id[number]) > 1:
        others = "、".join(f"第{r}行" for r in ctx.rows_by_id[number] if r != row_no)
        errors.setdefault("id_number", f"身份证号码与{others}重复")
    if existing is not None and not existing.organization.path.startswith(ctx.root.path):
        errors.setdefault("id_number", "该身份证号码已在其他党组织登记")  # never say where
        existing = None
    elif existing is not None and not existing.is_current:
        errors.setdefault("id_number", "该身份证号码对应的党员已转出或已去世，不能通过导入修改")
        existing = None

    data = _existing_base(existing, "phone" in given) if existing else _new_base()
    for key, value in given.items():
        if key in ("branch", "group") or key in cell_errors:
            continue  # placement is resolved below; a bad cell is already reported
        if key == "ethnicity" and not value:
            continue  # blank: keep (or default to 汉族)
        data[key] = value
    cleaned, clean_errors = clean_member_data(data, today=ctx.today)
    for key, message in clean_errors.items():
        errors.setdefault(key, message)
    for key, limit in _TEXT_LIMITS.items():
        if len(cleaned.get(key) or "") > limit:
            errors.setdefault(key, f"不能超过{limit}个字")

    # Placement: a blank branch keeps a registered member where they are, or puts a new one into
    # the organization imported into when that is itself a branch.
    target, group = None, None
    branch_text = given.get("branch") or ""
    if branch_text:
        target, message = ctx.orgs.branch(branch_text, existing.organization if existing else None)
        if message:
            errors.setdefault("branch", message)
    elif existing is not None:
        target = existing.organization
    elif ctx.root.kind in PLACEMENT_KINDS:
        target = ctx.root
    else:
        errors.setdefault("branch", "请填写所在党支部（组织代码或名称）")
    if existing is not None and target is not None and target.pk != existing.organization_id:
        errors.setdefault(
            "branch", f"该党员现属“{existing.organization.name}”，调整所在党支部请通过组织关系转接办理"
        )
        target = None
    if target is not None:
        group_text = given.get("group") or ""
        if group_text:
            group, message = ctx.orgs.group(group_text, target)
            if message:
                errors.setdefault("group", message)
        elif "group" not in given and existing is not None:
            group = existing.group  # no group column: keep

    if errors or target is None:
        return errors, None
    changed = _changed_fields(existing, cleaned, group) if existing else []
    return {}, _Planned(row_no, cleaned, target, group, existing, changed)


def _changed_fields(member: Member, cleaned: dict[str, Any], group: Organization | None) -> list[str]:
    changed = [f for f in PLAIN_FIELDS if cleaned.get(f) != getattr(member, f)]
    if pii.digest(cleaned.get("phone") or "") != member.phone_hmac:
        changed.append("phone")
    if (group.pk if group else None) != member.group_id:
        changed.append("group")
    return changed


def _load(
    source: str | Path | IO[bytes], result_org: Organization, file_name: str
) -> list[list[Any]] | ImportResult:
    try:
        return read_rows(str(source) if isinstance(source, Path) else source)
    except SpreadsheetError as exc:
        result = ImportResult(organization=result_org, file_name=file_name)
        result.errors.append(RowError(0, "", str(exc)))
        return result


def roster_import_preview(
    *, organization: Organization, source: str | Path | IO[bytes], file_name: str = ""
) -> ImportResult:
    """Judge every row of the file against the registry of `organization`'s subtree; write nothing."""
    rows = _load(source, organization, file_name)
    if isinstance(rows, ImportResult):
        return rows
    return _prepare(organization=organization, rows=rows, file_name=file_name)


# ---------------------------------------------------------------------------------------------
# Commit: all or nothing


def _set_values(member: Member, cleaned: dict[str, Any], fields: Iterable[str]) -> None:
    for f in fields:
        if f == "phone":
            member.phone = cleaned.get("phone") or ""
        elif f != "group":
            setattr(member, f, cleaned[f])
    if "name" in fields:
        member.name_initials = name_initials(member.name)


def _safe_file_name(name: str) -> str:
    """The file name for the audit row, with long digit runs (an ID or phone number) masked."""
    return re.sub(r"\d{7,}", lambda m: m[0][:3] + "*" * (len(m[0]) - 5) + m[0][-2:], name)[:120]


def roster_import(
    *,
    actor: Any,
    organization: Organization,
    source: str | Path | IO[bytes],
    file_name: str = "",
    actor_name: str = "",
    progress: Callable[[int, str], None] | None = None,
) -> ImportResult:
    """Validate again (the registry may have changed since the preview) and, only when no row has an
    error, create and update every member in one transaction with history and one audit row.
    `progress(percent, message)` is told each step before the transaction (so a page sees it); an
    exception it raises there (a cancelled job) stops the import before anything is written."""
    report = progress or (lambda percent, message: None)
    report(5, "正在读取文件")
    rows = _load(source, organization, file_name)
    if isinstance(rows, ImportResult):
        return rows
    report(20, f"正在逐行核对并写入{max(len(rows) - 1, 0)}行（全部成功才写入）")
    try:
        with transaction.atomic():
            result = _prepare(organization=organization, rows=rows, file_name=file_name, lock=True)
            if result.errors:
                return result
            _write(actor=actor, actor_name=actor_name, result=result)
    except IntegrityError:
        result = ImportResult(organization=organization, file_name=file_name)
        result.errors.append(
            RowError(0, "", "导入期间名册已被他人修改（身份证号码冲突），未导入任何数据，请重新导入")
        )
        return result
    result.committed = True
    if len(rows) >= BULK_ROWS:
        refresh_statistics()  # a roster of thousands changes the tables' sizes for the planner
    return result


# Imports of at least this many rows refresh the database's planner statistics afterwards.
BULK_ROWS = 1000


def _write(*, actor: Any, actor_name: str, result: ImportResult) -> None:
    user = actor if getattr(actor, "pk", None) else None
    reason = f"Excel导入：{_safe_file_name(result.file_name)}"[:100]
    now = timezone.now()
    every_field = [*PLAIN_FIELDS, "phone"]

    new_members = []
    for item in (p for p in result.plan if p.existing is None):
        member = Member(  # ids, not instances: cheaper for 5,000 rows
            organization_id=item.organization.pk, group_id=item.group.pk if item.group else None, version=1
        )
        member.id_number = item.cleaned["id_number"]
        _set_values(member, item.cleaned, every_field)
        new_members.append(member)
    created = bulk_create_with_history(
        new_members, Member, batch_size=_WRITE_BATCH, default_user=user, default_change_reason=reason
    )
    Membership.objects.bulk_create(
        [Membership(member_id=m.pk, organization_id=m.organization_id, since=m.joined_on) for m in created],
        batch_size=_WRITE_BATCH,
    )

    updated, columns = [], {"version", "updated_at"}
    for item in (p for p in result.plan if p.existing is not None and p.changed):
        member = item.existing
        assert member is not None
        _set_values(member, item.cleaned, item.changed)
        member.group = item.group
        member.version += 1
        member.updated_at = now
        updated.append(member)
        for f in item.changed:
            columns.update(
                {"phone": ("phone_enc", "phone_hmac", "phone_last4"), "name": ("name", "name_initials")}.get(
                    f, (f,)
                )
            )
    if updated:
        bulk_update_with_history(
            updated,
            Member,
            sorted(columns),
            batch_size=_WRITE_BATCH,
            default_user=user,
            default_change_reason=reason,
        )

    result.member_ids = [m.pk for m in created] + [m.pk for m in updated]
    audit_record(
        actor=actor,
        actor_name=actor_name,
        event_type=EventType.IMPORT,
        organization=result.organization,
        object_type="members.Member",
        object_repr=f"导入党员名册 {_safe_file_name(result.file_name)}",
        data={
            "file": _safe_file_name(result.file_name),
            "rows": result.rows,
            "created": len(created),
            "updated": len(updated),
            "unchanged": result.unchanged,
            "created_ids": [m.pk for m in created],
            "updated_ids": [m.pk for m in updated],
        },
    )


# ---------------------------------------------------------------------------------------------
# Template and export


def _text_format_columns(data: bytes, keys: Iterable[str]) -> bytes:
    """Mark the ID number and phone columns of the first sheet as text, so that numbers typed into
    them in Excel or WPS stay text. (openpyxl edit of a workbook built by dangjian.core.xlsx.)"""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    for key in keys:
        letter = get_column_letter(HEADERS.index(_BY_KEY[key].header) + 1)
        ws.column_dimensions[letter].number_format = "@"
        for row in range(2, 1002):
            ws[f"{letter}{row}"].number_format = "@"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def roster_template(*, organization: Organization | None = None) -> bytes:
    """The import template: an empty roster sheet, the explanation of each column and, when an
    organization is given, the codes of the branches and groups of its subtree."""
    notes = [[c.header, "必填" if c.required else "选填", c.help] for c in COLUMNS]
    notes.append(["", "", "表头须在第一行（列的顺序不限）；行号以Excel左侧显示的行号为准。"])
    notes.append(["", "", "同一身份证号码的党员已在本组织登记时，导入将更新其信息，不会重复新增。"])
    sheets = [
        Sheet(
            title="党员名册",
            headers=HEADERS,
            rows=[],
            widths=[12, 22, 6, 8, 12, 12, 14, 30, 20, 14, 10, 20, 10, 20, 10, 12, 12, 8, 8, 8, 20],
        ),
        Sheet(title="填写说明", headers=["列名", "是否必填", "填写说明"], rows=notes, widths=[16, 10, 90]),
    ]
    if organization is not None:
        orgs = (
            Organization.objects.filter(path__startswith=organization.path, dissolved_on__isnull=True)
            .filter(kind__in=[*PLACEMENT_KINDS, OrgKind.GROUP])
            .select_related("parent")
            .order_by("path")
        )
        sheets.append(
            Sheet(
                title="党组织代码",
                headers=["组织代码", "组织名称", "类别", "上级党组织"],
                rows=[
                    [o.code, o.name, o.get_kind_display(), o.parent.name if o.parent else ""] for o in orgs
                ],
                widths=[16, 30, 10, 30],
            )
        )
    return _text_format_columns(workbook_bytes(sheets), ["id_number", "phone"])


def roster_row(member: Member, *, full: bool) -> list[Any]:
    return [
        member.name,
        member.id_number if full else mask_id_number(member.id_number),
        member.get_gender_display(),
        member.ethnicity,
        member.birth_date,
        member.get_education_display(),
        member.phone if full else mask_phone(member.phone),
        member.address,
        member.organization.name,
        member.group.name if member.group else "",
        member.get_category_display(),
        member.employer,
        _SHORT_DIRECTION.get(str(member.floating_direction), ""),
        member.floating_place,
        member.get_status_display(),
        member.joined_on,
        member.confirmed_on,
        member.hardship,
        member.elderly,
        member.mobility_impaired,
        member.remarks,
    ]


def roster_export(
    *, actor: Any, organization: Organization, filters: MemberFilters, full: bool = False
) -> tuple[str, list[Sheet], int]:
    """The current members of `organization`'s subtree that the actor may see, filtered as the member
    list filters, in the template's columns; ID numbers and phones masked unless `full` and the role
    may reveal them. Every export writes an audit row."""
    full = bool(full and getattr(actor, "may_reveal_pii", False))
    filters = replace(filters, org=organization, include_former=False)
    members = list(member_list(Member.objects.for_user(actor), filters, _today()))
    rows = [roster_row(m, full=full) for m in members]
    audit_record(
        actor=actor,
        event_type=EventType.EXPORT,
        organization=organization,
        object_type="members.Member",
        object_repr=f"导出党员名册：{organization.name}",
        data={
            "scope": organization.pk,
            "scope_name": organization.name,
            "filters": {k: v for k, v in filters.as_query().items() if k != "org"},
            "rows": len(rows),
            "full": full,
        },
    )
    filename = f"党员名册_{organization.name}_{_today():%Y%m%d}.xlsx"
    return filename, [Sheet(title="党员名册", headers=HEADERS, rows=rows)], len(rows)

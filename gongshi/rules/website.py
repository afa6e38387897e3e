"""What the government-website rules ask of the site as a whole: its registration numbers
and identification code (国办发〔2017〕47号《政府网站发展指引》), and the index numbers
(索引号) of the government-information catalogue (政府信息公开目录).

索引号 are written the way local 政府信息公开目录 write them: the publishing body's
organisation code (its 统一社会信用代码, or an older 9-character 组织机构代码), a slash,
the year, a hyphen and a sequence of five digits counted per body and year, for example
11140800MB1234567X/2024-00012 (the State Council's own: 000014349/2017-00110).
"""

from __future__ import annotations

import re

from .errors import RuleViolation
from .messages import _
from .text import nfkc, squeeze

GUIDELINES = "国办发〔2017〕47号"

# The provinces' one-character abbreviations that begin ICP and 公安 registration numbers.
PROVINCES = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新"

_ICP = re.compile(rf"^[{PROVINCES}]ICP(备|证)\d{{6,10}}号(-\d{{1,3}})?$")
_POLICE = re.compile(rf"^[{PROVINCES}]公网安备(\d{{14}})号$")
_SITE_ID = re.compile(r"^[0-9A-Za-z]{10}$")
_ORGANISATION_CODE = re.compile(r"^[0-9A-Z]{8}-?[0-9X]$|^[0-9A-Z]{18}$")
_INDEX_NUMBER = re.compile(r"^(?:(?P<code>[0-9A-Z-]{9,18})/)?(?P<year>\d{4})-(?P<sequence>\d{5,})$")

POLICE_SEARCH = "https://beian.mps.gov.cn/#/query/webSearch?code={code}"
ICP_SEARCH = "https://beian.miit.gov.cn/"


def _tidy(value: str) -> str:
    """Full-width to half-width and no spaces, as editors paste these numbers."""
    return squeeze(nfkc(value or ""))


def clean_icp_number(value: str) -> str:
    """An ICP registration number such as 晋ICP备12345678号-1, or ""; raises RuleViolation."""
    value = _tidy(value)
    if value and not _ICP.match(value):
        raise RuleViolation(
            _("ICP备案号格式应如“晋ICP备12345678号-1”（省份简称、ICP备、数字、号）。"),
            "icp_number",
        )
    return value


def clean_police_number(value: str) -> str:
    """A 公安机关 registration number such as 晋公网安备14080202000123号, or ""."""
    value = _tidy(value)
    if value and not _POLICE.match(value):
        raise RuleViolation(
            _(
                "公安机关备案号格式应如“晋公网安备14080202000123号”（省份简称、公网安备、14位数字、号）。"
            ),
            "police_number",
        )
    return value


def police_link(number: str) -> str:
    """The public record of a 公安机关 registration number on beian.mps.gov.cn, or ""."""
    match = _POLICE.match(_tidy(number))
    return POLICE_SEARCH.format(code=match.group(1)) if match else ""


def clean_site_id_code(value: str) -> str:
    """The 网站标识码 issued for government websites: ten letters or digits."""
    value = _tidy(value)
    if value and not _SITE_ID.match(value):
        raise RuleViolation(
            _("网站标识码应为10位字母或数字（%(rule)s）。") % {"rule": GUIDELINES},
            "site_id_code",
        )
    return value


def clean_organisation_code(value: str) -> str:
    """The code 索引号 begin with: an 18-character 统一社会信用代码 (its check character
    verified) or a 9-character 组织机构代码, or "" when the body has none set yet."""
    from .credit_code import validate as validate_credit_code

    value = _tidy(value).upper()
    if not value:
        return value
    if not _ORGANISATION_CODE.match(value):
        raise RuleViolation(
            _("机构代码应为18位统一社会信用代码或9位组织机构代码。"), "organisation_code"
        )
    if len(value) == 18:
        try:
            validate_credit_code(value)
        except RuleViolation as problem:
            raise RuleViolation(problem.message, "organisation_code") from None
    return value


def index_number(organisation_code: str, year: int, sequence: int) -> str:
    """The 索引号 of the `sequence`-th item a body published in `year`; without a code
    (none was set when the item went live) it is the year and sequence alone."""
    number = f"{year:04d}-{sequence:05d}"
    return f"{organisation_code}/{number}" if organisation_code else number


def parse_index_number(text: str) -> tuple[str, int, int] | None:
    """(organisation code, year, sequence) of a 索引号, or None for anything else."""
    match = _INDEX_NUMBER.match(_tidy(text).upper())
    if match is None:
        return None
    return match.group("code") or "", int(match.group("year")), int(match.group("sequence"))

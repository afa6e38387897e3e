"""Who a recipient is, as the public site and its open data name them: plain Python
without Django, shared by the CMS's export and the site's build.

An organisation is its 统一社会信用代码. A person is the public id of the person record
the editors chose (cms/recipients), random and saying nothing about the name. An
organisation without a well-formed code (only in data older than the code's check) is
known by a short hash of its name, as the site has always keyed it.
"""

import hashlib
import re

CREDIT_CODE = re.compile(r"^[0-9A-Z]{18}$")
PERSON_ID = re.compile(r"^p-[0-9a-z]{4,30}$")
RECIPIENT_ID = re.compile(r"^([0-9A-Z]{18}|p-[0-9a-z]{4,30}|o-[0-9a-f]{12})$")


def recipient_id(category: str, credit_code: str, person_id: str | None, name: str) -> str:
    if category == "individual":
        if not person_id or not PERSON_ID.match(person_id):
            raise ValueError(f"an individual needs a person's public id, not {person_id!r}")
        return person_id
    code = credit_code.strip().upper()
    if CREDIT_CODE.match(code):
        return code
    return "o-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]

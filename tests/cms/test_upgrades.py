"""Upgrades from the first released schema: an empty database migrated with the first
release's own migration files (tests/first_release_migrations, commit 5802cfc), filled
with that release's models, then migrated with today's files. The data must survive, the
tables must match today's models, and the public site must build.

Runs on SQLite, and on PostgreSQL when DATABASE_URL names a server."""

import hashlib
import json
from pathlib import Path

import pytest
from instance import TESTS, Instance, new_database_url

from gongshi_site import shared_dirs

FIRST_RELEASE = TESTS / "first_release_migrations"

# Run in the first release's schema: migrate to exactly its leaves, then write the rows
# a city would have had by then with the historical models of that state.
FIRST_RELEASE_DATA = r"""
import datetime, json
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

leaves = json.load(open({leaves!r}))["leaves"]
executor = MigrationExecutor(connection)
graph = executor.loader.graph
targets = [(app, name) for app, name in leaves.items()]
ours = set(leaves) | {{"supervision", "publishing", "ops"}}
targets += [node for node in graph.leaf_nodes() if node[0] not in ours]
executor.migrate(targets)
apps = executor.loader.project_state(targets).apps
assert {{app for app, _ in executor.recorder.applied_migrations()}} & {{"supervision", "publishing"}} == set()

ContentType = apps.get_model("contenttypes", "ContentType")
Page = apps.get_model("wagtailcore", "Page")
Site = apps.get_model("wagtailcore", "Site")
now = timezone.now()

def add(label, parent, slug, title, published=True, **fields):
    model = apps.get_model(label)
    content_type, _ = ContentType.objects.get_or_create(
        app_label=model._meta.app_label, model=model._meta.model_name)
    parent.numchild += 1
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild)
    return model.objects.create(
        title=title, draft_title=title, slug=slug, depth=parent.depth + 1,
        path=parent.path + f"{{parent.numchild:04d}}", numchild=0, content_type=content_type,
        url_path=f"{{parent.url_path}}{{slug}}/", locale_id=parent.locale_id, live=True,
        first_published_at=now if published else None,
        last_published_at=now if published else None, **fields)

root = Page.objects.get(depth=1)
# As the first release's post_migrate did: the home page live without a publish time.
home = add("base.HomePage", root, "gongshi", "质量奖公示公开平台", published=False)
Site.objects.update(root_page_id=home.pk)
index = add("programmes.ProgrammeIndexPage", home, "programmes", "评选项目")
programme = add("programmes.ProgrammePage", index, "yuncheng", "运城市市长质量奖",
    level="city", region="运城市", organiser="运城市标准化和质量强市领导小组",
    office="运城市标准化和质量强市领导小组办公室", regulation_title="运城市市长质量奖管理办法",
    regulation_number="运政发〔2023〕14号", regulation_status="in_force", cycle_years=5,
    awards_individuals=True, validity_years=None, min_publicity_working_days=5,
    revocation_ban_editions=3, reapply_ban_editions=2)
level = apps.get_model("programmes", "AwardLevel").objects.create(
    programme_id=programme.pk, sort_order=0, name="质量奖", category="organisation", quota=4)
ground = apps.get_model("programmes", "RevocationGround").objects.create(
    programme_id=programme.pk, sort_order=0, text="弄虚作假、以不正当手段骗取荣誉", article="第三十条")
edition = add("programmes.EditionPage", programme, "2023", "2023年度（第三届）", number=3, year=2023)
notice = add("notices.PublicityNoticePage", edition, "candidates", "第三届运城市市长质量奖候选名单公示",
    issuing_body="运城市市场监督管理局", date_signed=datetime.date(2023, 9, 27), kind="candidates",
    start_date=datetime.date(2023, 9, 28), working_days=5, end_date=datetime.date(2023, 10, 10),
    objection_method="书面向市质量强市办反映。", document_number="运质办〔2023〕5号")
apps.get_model("notices", "PublicityEntry").objects.create(
    notice_id=notice.pk, sort_order=0, name="运城示例机械有限公司", category="organisation")
decision = add("decisions.AwardDecisionPage", edition, "decision", "关于表彰第三届运城市市长质量奖获奖单位的决定",
    issuing_body="运城市人民政府", date_signed=datetime.date(2023, 11, 20), document_number="运政发〔2023〕30号")
Award = apps.get_model("decisions", "Award")
kept = Award.objects.create(decision_id=decision.pk, sort_order=0, recipient="运城示例机械有限公司",
    category="organisation", level="质量奖", valid_from=datetime.date(2023, 11, 20))
revoked = Award.objects.create(decision_id=decision.pk, sort_order=1, recipient="运城示例食品有限公司",
    category="organisation", level="质量奖", valid_from=datetime.date(2023, 11, 20))
# People as names, before people were records: 张三 in two editions and on a list, two
# 王五 in one decision, 李四 spelt with a zero-width space.
edition2018 = add("programmes.EditionPage", programme, "2018", "2018年度（第二届）", number=2, year=2018)
decision2018 = add("decisions.AwardDecisionPage", edition2018, "decision", "关于表彰第二届运城市市长质量奖获奖者的决定",
    issuing_body="运城市人民政府", date_signed=datetime.date(2018, 11, 20), document_number="运政发〔2018〕30号")
for sort_order, (page, name) in enumerate([(decision2018, "张三"), (decision, "张三"),
        (decision, "王五"), (decision, "王五"), (decision, "李\u200b四")], start=2):
    Award.objects.create(decision_id=page.pk, sort_order=sort_order, recipient=name,
        category="individual", level="质量奖", valid_from=page.date_signed)
apps.get_model("notices", "PublicityEntry").objects.create(
    notice_id=notice.pk, sort_order=1, name="张三", category="individual")
revocation = add("revocations.RevocationPage", edition, "revocation", "关于撤销运城示例食品有限公司市长质量奖的决定",
    issuing_body="运城市人民政府", date_signed=datetime.date(2024, 3, 1), document_number="运政发〔2024〕3号",
    facts="申报材料弄虚作假。", legal_basis="运政发〔2023〕14号 第三十条", award_id=revoked.pk)
through = apps.get_model("revocations", "RevocationPage")._meta.get_field("grounds").remote_field.through
through.objects.create(revocationpage_id=revocation.pk, revocationground_id=ground.pk)
apps.get_model("reporting", "ReportingChannel").objects.create(programme_id=programme.pk,
    name="运城市市长质量奖监督组", phone="0359-0000000", report_contents="评审中的违规行为。",
    procedure="收到后五个工作日内答复是否受理。", confidentiality_promise="对举报人身份严格保密。",
    first_published_at=now, last_published_at=now)
print(json.dumps({{"programme": programme.pk, "kept": kept.pk, "revoked": revoked.pk}}))
"""

# Run after the upgrade, with today's models.
CHECK_TODAY = r"""
import json
from django.apps import apps
from django.db import connection
from cms.decisions.models import Award
from cms.programmes.models import ProgrammePage
from cms.reporting.models import ReportingChannel
from cms.revocations.models import RevocationPage

ids = json.loads({ids!r})
programme = ProgrammePage.objects.get(pk=ids["programme"])
print("programme", programme.title, programme.regulation_number, programme.max_score)
print("levels", [(level.name, level.quota) for level in programme.levels.all()])
revocation = RevocationPage.objects.get()
print("revoked", revocation.award.recipient, revocation.award_id == ids["revoked"])
print("kept", Award.objects.get(pk=ids["kept"]).recipient)
print("channel", ReportingChannel.objects.get().name)
from cms.recipients.models import Person
people = sorted(
    [p.name, p.needs_review, p.award_rows.count(), p.publicityentry_rows.count()]
    for p in Person.objects.all()
)
print("people", json.dumps(people, ensure_ascii=False))
zhang = Person.objects.get(name="张三")
print("zhang", zhang.public_id, zhang.review_note.replace("\n", " "))
# Every column as today's models declare it: present, and nullable exactly when the
# field allows null (an in-place edit of a released migration would show here).
mismatches = []
with connection.cursor() as cursor:
    for model in apps.get_models():
        if not model.__module__.startswith("cms.") or not model._meta.managed:
            continue
        table = model._meta.db_table
        columns = {{c.name: c for c in connection.introspection.get_table_description(cursor, table)}}
        for field in model._meta.local_concrete_fields:
            column = columns.get(field.column)
            if column is None:
                mismatches.append(f"{{table}}.{{field.column}} missing")
            elif bool(column.null_ok) != field.null:
                mismatches.append(f"{{table}}.{{field.column}} null={{column.null_ok}}")
print("mismatches", mismatches)
"""


@pytest.fixture
def instance(tmp_path):
    instance = Instance(tmp_path / "cms", new_database_url(tmp_path, "upgrade"))
    instance.root.mkdir(parents=True)
    yield instance
    instance.drop()


def test_the_first_released_schema_upgrades_with_its_data(instance):
    leaves = json.loads((FIRST_RELEASE / "leaves.json").read_text())["leaves"]
    assert set(leaves) == {
        p.name for p in FIRST_RELEASE.iterdir() if p.is_dir() and p.name != "__pycache__"
    }
    old = {"GONGSHI_INSTANCE_FIRST_RELEASE": str(FIRST_RELEASE)}
    ids = instance.shell(
        FIRST_RELEASE_DATA.format(leaves=str(FIRST_RELEASE / "leaves.json")), **old
    )

    instance.manage("migrate", "--no-input", "-v0")

    report = dict(
        line.split(" ", 1)
        for line in instance.shell(CHECK_TODAY.format(ids=ids.strip())).splitlines()
    )
    assert report["programme"] == "运城市市长质量奖 运政发〔2023〕14号 1000"
    assert report["levels"] == "[('质量奖', 4)]"
    assert report["revoked"] == "运城示例食品有限公司 True"
    assert report["kept"] == "运城示例机械有限公司"
    assert report["channel"] == "运城市市长质量奖监督组"
    # Each individual row has a person: same name in the programme, one person, marked for
    # review when across editions; two of one name in one document, two people, marked;
    # the name in its one spelling (docs/adr/0020-recipients-are-records-not-names.md).
    assert json.loads(report["people"]) == [
        ["张三", True, 2, 1],
        ["李四", False, 1, 0],
        ["王五", True, 1, 0],
        ["王五", True, 1, 0],
    ]
    zhang_id, note = report["zhang"].split(" ", 1)
    assert zhang_id == "p-" + hashlib.sha256("张三".encode()).hexdigest()[:12]  # URL kept
    assert (
        "按姓名将本奖项中的下列记录归为此人" in note and "2018年度" in note and "2023年度" in note
    )
    assert report["mismatches"] == "[]"

    built = instance.manage("build_site", "--now", "--reason", "升级后构建")
    assert "完成" in built.stdout
    programme_page = (instance.live / "programmes" / "yuncheng" / "index.html").read_text()
    assert "运城市市长质量奖" in programme_page
    site = "".join(p.read_text() for p in shared_dirs.files(instance.live) if p.suffix == ".html")
    assert "运城示例食品有限公司" in site and "撤销" in site
    assert (instance.live / "winners" / zhang_id / "index.html").exists()


def test_no_model_change_lacks_a_migration():
    import subprocess
    import sys

    finished = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr

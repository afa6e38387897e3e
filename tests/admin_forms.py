"""Building admin form submissions the way the Wagtail editor posts them."""

from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from two_factor import log_in
from wagtail.models import TaskState, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield


def signed_in(user) -> Client:
    """A test client signed in as `user`, with the second step where the role needs it."""
    client = Client()
    log_in(client, user)
    return client


def said(response) -> str:
    """The admin's messages to the user after `response`, as one string."""
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def valid_code(body17):
    from gongshi.rules.credit_code import check_character

    return body17 + check_character(body17)


def entry_row(**overrides):
    """One row of a publicity list as the inline panel posts it."""
    row = {
        "name": "【示例】运城市示范精密机械有限公司",
        "credit_code": valid_code("91140800MA0K00001"),
        "category": "organisation",
        "level": "",
        "region": "盐湖区",
        "score": "",
    }
    return {**row, **overrides}


def notice_form(working_days, **overrides):
    data = {
        "title": "2023年度运城市市长质量奖候选名单公示",
        "slug": "candidates-2023",
        "kind": "candidates",
        "document_number": "运示例发〔2023〕1号",
        "issuing_body": "运城市标准化和质量强市领导小组办公室",
        "date_signed": "2023-09-25",
        "summary": "",
        "start_rule": "fixed",
        "start_date": "2023-09-28",
        "working_days": str(working_days),
        "corrected_start_date": "",
        "corrected_working_days": "",
        "objection_method": "书面向监督组提出，须署名并附证明材料。",
        "entries": inline_formset([entry_row()]),
        "body": rich_text("<p>现将候选名单予以公示。</p>"),
        "attachments": streamfield([]),
        "change_note": "",
        "go_live_at": "",
        "expire_at": "",
    }
    data.update(overrides)
    return nested_form_data(data)


def form_errors(response):
    """The validation messages of a re-rendered admin form, for assertion messages."""
    form = response.context.get("form")
    if form is None:
        return response.status_code
    errors = {name: list(errs) for name, errs in form.errors.items()}
    for name, formset in getattr(form, "formsets", {}).items():
        errors[name] = [f.errors for f in formset.forms if f.errors] + list(
            formset.non_form_errors()
        )
    return errors


def approve(client, user, page) -> bool:
    """`user` approves the task `page` waits on, through the admin; whether it passed."""
    log_in(client, user)
    state = WorkflowState.objects.get(
        base_content_type__isnull=False, object_id=str(page.pk), status="in_progress"
    )
    task_state = state.current_task_state
    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk)),
        {"comment": ""},
    )
    task_state.refresh_from_db()
    return task_state.status == TaskState.STATUS_APPROVED


def add_url(model, parent):
    return reverse(
        "wagtailadmin_pages:add", args=(model._meta.app_label, model._meta.model_name, parent.pk)
    )


def award_row(**overrides):
    """One row of a decision's list of winners as the inline panel posts it."""
    row = {
        "recipient": "",
        "category": "organisation",
        "credit_code": "",
        "person": "",
        "level": "运城市市长质量奖",
        "region": "",
        "score": "",
        "bonus": "",
        "prize": "",
        "prize_money_yuan": "",
    }
    return {**row, **overrides}


def decision_form(rows, signed="2023-12-20", **overrides):
    """An award decision as the page editor posts it; `rows` are award_row()s."""
    data = {
        "title": f"关于表彰{signed[:4]}年度运城市市长质量奖获奖者的决定",
        "slug": f"decision-{signed[:4]}",
        "document_number": "",
        "issuing_body": "运城市人民政府",
        "date_signed": signed,
        "summary": "",
        "awards": inline_formset(rows),
        "body": rich_text(""),
        "attachments": streamfield([]),
        "change_note": "",
        "go_live_at": "",
        "expire_at": "",
    }
    data.update(overrides)
    return nested_form_data(data)

from django import template

from cms.base import publication

register = template.Library()


@register.inclusion_tag("base/publication_outlook.html")
def publication_outlook(item):
    """What approving `item` now would do: its latest version, as an approval publishes."""
    revision = item.get_latest_revision()
    candidate = revision.as_object() if revision else item
    moment = publication.going_live_moment(candidate)
    refusal = publication.refusal(candidate, moment)
    return {
        "moment": moment,
        "refusal": refusal,
        "notes": publication.outlook(candidate, moment),
    }

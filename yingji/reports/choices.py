from django.utils.translation import gettext_lazy as _

from .periods import KIND_LABELS

BRIEF_KINDS = [(k, _(v)) for k, v in KIND_LABELS.items()]
BRIEF_STATES = [
    ("draft", _("草稿")),
    ("submitted", _("待审核")),
    ("approved", _("已审核")),
    ("issued", _("已印发")),
]
BRIEF_STATE_COLOURS = {
    "draft": "secondary",
    "submitted": "warning",
    "approved": "info",
    "issued": "success",
}

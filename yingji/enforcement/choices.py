from django.utils.translation import gettext_lazy as _

OFFICER_STATUSES = [
    ("on_duty", _("在岗")),
    ("transferred", _("调离")),
    ("suspended", _("暂停执法")),
]

CERTIFICATE_TYPES = [
    ("gansu", _("甘肃省行政执法证")),
    ("mem", _("应急管理部执法证")),
    ("other", _("其他行政执法证件")),
]

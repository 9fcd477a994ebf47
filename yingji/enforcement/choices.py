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

DRAW_STATES = [("drawn", _("已抽取")), ("published", _("已公开")), ("voided", _("已作废"))]
RECORDING_KINDS = [("audio", _("录音")), ("video", _("录像")), ("photo", _("照片"))]
ORDER_STATES = [
    ("open", _("整改中")),
    ("closed", _("复查合格,已销案")),
    ("overdue", _("逾期未改")),
]
REINSPECTION_STATES = [
    ("waiting", _("待整改期满")),
    ("due", _("待复查")),
    ("passed", _("复查合格")),
    ("failed", _("复查不合格")),
]

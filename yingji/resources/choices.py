from django.utils.translation import gettext_lazy as _

SITE_LEVELS = [
    ("city", _("市级")),
    ("county", _("县级")),
    ("township", _("乡镇")),
    ("village", _("村/社区")),
    ("enterprise", _("企业代储")),
    ("merchant", _("协议商户")),
]

# Ledger movement kinds: the sign says whether the quantity adds (+1) or takes (-1); an
# adjustment (盘点调整) may do either.
MOVEMENT_KINDS = [
    ("in", _("入库")),
    ("out", _("出库")),
    ("transfer_out", _("调拨调出")),
    ("transfer_in", _("调拨调入")),
    ("lend", _("借用")),
    ("return", _("归还")),
    ("scrap", _("报废")),
    ("adjust", _("盘点调整")),
]
MOVEMENT_LABELS = {k: str(v) for k, v in MOVEMENT_KINDS}
INBOUND = ("in", "transfer_in", "return")
OUTBOUND = ("out", "transfer_out", "lend", "scrap")
# What a person records directly (the two legs of a transfer are written by the transfer).
RECORDABLE = ("in", "out", "lend", "return", "scrap", "adjust")

EXPIRY_WARNING_DAYS = 30  # a batch expiring within this many days is flagged (platform choice)

from django.apps import AppConfig

from yingji.core.hooks import Nav, RecordAction, RecordLinks


class PenaltiesConfig(AppConfig):
    """行政处罚案件: the 《行政处罚法》(2021) general procedure as a state machine with the
    三项制度 as real steps (法制审核 only for major decisions, 事后公示, 全过程记录 in evidence)
    and the 案卷评查. Added as one folder plus one INSTALLED_APPS line."""

    name = "yingji.penalties"
    label = "penalties"
    verbose_name = "行政处罚案件"
    url_prefix = "penalties/"
    api_router = "yingji.penalties.api.router"
    navigation = [
        Nav(
            "行政处罚案件",
            "penalties:index",
            icon="hammer",
            tasks="T1–T3",
            order=52,
            allowed="penalties.open",
        )
    ]
    # 立案查处 on a hazard page: the form prefilled from it; the service refuses a hazard that is
    # not past its 整改期限 (《安全生产法》第一百零二条)
    record_actions = [
        RecordAction(
            "hazards.hazard", "立案查处", "penalties:new", "hazard", "hammer", "penalties.file"
        )
    ]
    # the hazard page lists the cases opened from it (those the user may see)
    record_links = [
        RecordLinks("hazards.hazard", "立案查处的案件", "yingji.penalties.selectors.hazard_cases"),
        RecordLinks(
            "enforcement.campaign",
            "专项整治中立案的案件",
            "yingji.penalties.selectors.campaign_cases",
        ),
    ]
    demo_loader = "yingji.penalties.demo.load_demo"

    def ready(self):
        from . import permissions  # noqa: F401

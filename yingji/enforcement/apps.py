from django.apps import AppConfig

from yingji.core.hooks import DailyJob, Nav, Precondition


class EnforcementConfig(AppConfig):
    """执法 (issue #19; T1–T3, T12): the 执法人员名录库, 双随机、一公开 draws and their public
    pages, 执法全过程记录 and 指令书/复查 of inspections, 专项整治 campaigns. Sits above
    inspections (it imports inspections; inspections never imports it)."""

    name = "yingji.enforcement"
    label = "enforcement"
    verbose_name = "执法人员与双随机"
    url_prefix = "enforcement/"
    api_router = "yingji.enforcement.api.router"
    navigation = [
        Nav(
            "执法人员名录库",
            "enforcement:index",
            icon="person-badge",
            tasks="T1–T3",
            order=51,
            allowed="enforcement.open",
        ),
        Nav(
            "双随机与专项整治",
            "enforcement:draws",
            icon="shuffle",
            tasks="T3, T12",
            order=52,
            allowed="enforcement.open",
        ),
    ]

    daily_jobs = [
        DailyJob(
            "enforcement.reinspections",
            "复查到期检查(整改期满列入待复查)",
            "yingji.enforcement.jobs.reinspection_daily_check",
        )
    ]
    demo_loader = "yingji.enforcement.demo.load_demo"
    # an inspection is 完成 only with ≥2 officers certified that day (行政处罚法 第四十二条)
    preconditions = [Precondition("inspections.complete", "yingji.enforcement.checks.team")]

    def ready(self):
        from . import permissions  # noqa: F401

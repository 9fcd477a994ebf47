"""The API at /api/v1/ (OpenAPI UI at /api/v1/docs). Every router uses the same authentication
and error format; every endpoint fetches through restrict()."""

from ninja import NinjaAPI

from yingji.core.api import AUTH, install_error_handlers
from yingji.core.api import router as core_router
from yingji.enterprises.api import router as enterprises_router
from yingji.geo.api import router as geo_router
from yingji.hazards.api import router as hazards_router
from yingji.inspections.api import router as inspections_router
from yingji.orgs.api import router as orgs_router
from yingji.risk.api import router as risk_router
from yingji.workplan.api import router as workplan_router

api = NinjaAPI(
    title="应急管理综合平台 API",
    version="1",
    description=(
        "兰州市应急管理综合平台接口。认证:浏览器会话(需 CSRF)或个人接口令牌 "
        '`Authorization: Bearer yj_…`。错误统一为 `{"code","message","details"}`。'
    ),
    auth=AUTH,
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/", core_router)
api.add_router("/", geo_router)
api.add_router("/", orgs_router)
api.add_router("/", enterprises_router)
api.add_router("/", risk_router)
api.add_router("/", workplan_router)
api.add_router("/", hazards_router)
api.add_router("/", inspections_router)

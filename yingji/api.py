"""The API at /api/v1/ (OpenAPI UI at /api/v1/docs): every app's router, as its AppConfig
declares it (``api_router``, see yingji.core.hooks), with the same authentication and error
format; every endpoint fetches through restrict()."""

from ninja import NinjaAPI

from yingji.core import hooks
from yingji.core.api import AUTH, install_error_handlers

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
for router in hooks.api_routers():
    api.add_router("/", router)

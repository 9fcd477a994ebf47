"""yingji check: Django's system checks; with --production (or YINGJI_PRODUCTION=1) Django's
deployment checks are failures too, reported in Chinese with what to set, plus the platform's
own production rules (a strong SECRET_KEY from the environment, real ALLOWED_HOSTS,
PostgreSQL, HTTPS declared with YINGJI_TLS=1 and HSTS on)."""

import os

from django.conf import settings
from django.core import checks
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_DISTINCT = 10
INSECURE_PREFIXES = (
    "django-insecure",
    "insecure",
    "changeme",
    "change-me",
    "change_me",
    "secret-key",
    "secretkey",
    "your-secret",
    "dev-",
    "test-",
    "example",
)
MAKE_KEY = "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
SET_TLS = "设置 YINGJI_TLS=1(平台通过 HTTPS 访问,直接或经反向代理)"

# Django's deployment checks, in Chinese, with what to set.
DJANGO_CHECKS = {
    "security.W001": "未启用 SecurityMiddleware:MIDDLEWARE 中须有 "
    "django.middleware.security.SecurityMiddleware。",
    "security.W002": "未启用 XFrameOptionsMiddleware(防点击劫持)。",
    "security.W003": "未启用 CSRF 中间件(django.middleware.csrf.CsrfViewMiddleware)。",
    "security.W004": f"未启用 HSTS(SECURE_HSTS_SECONDS):{SET_TLS},默认一年;"
    "或设置 YINGJI_HSTS_SECONDS=31536000。",
    "security.W005": "HSTS 未包含子域名:若本域名的所有子域名都只用 HTTPS,设置 "
    "YINGJI_HSTS_INCLUDE_SUBDOMAINS=1。",
    "security.W006": "未设置 SECURE_CONTENT_TYPE_NOSNIFF。",
    "security.W008": f"HTTP 请求未重定向到 HTTPS(SECURE_SSL_REDIRECT):{SET_TLS},"
    "或设置 YINGJI_SSL_REDIRECT=1。",
    "security.W009": f"SECRET_KEY 太弱(少于 50 个字符、不同字符太少或以 django-insecure- "
    f"开头):用 {MAKE_KEY} 生成一个,设为环境变量 SECRET_KEY。",
    "security.W010": f"会话 Cookie 未设置 Secure:{SET_TLS},不要设置 YINGJI_SECURE_COOKIES=0。",
    "security.W011": f"会话 Cookie 未设置 Secure:{SET_TLS},不要设置 YINGJI_SECURE_COOKIES=0。",
    "security.W012": f"会话 Cookie 未设置 Secure:{SET_TLS},不要设置 YINGJI_SECURE_COOKIES=0。",
    "security.W013": "会话 Cookie 未设置 HttpOnly(SESSION_COOKIE_HTTPONLY)。",
    "security.W014": "会话 Cookie 未设置 HttpOnly(SESSION_COOKIE_HTTPONLY)。",
    "security.W015": "会话 Cookie 未设置 HttpOnly(SESSION_COOKIE_HTTPONLY)。",
    "security.W016": f"CSRF Cookie 未设置 Secure:{SET_TLS},不要设置 YINGJI_SECURE_COOKIES=0。",
    "security.W018": "DEBUG 已开启:生产环境必须关闭(YINGJI_DEBUG=0)。",
    "security.W019": "X_FRAME_OPTIONS 不是 DENY。",
    "security.W020": "ALLOWED_HOSTS 为空:设置为本平台的域名或地址。",
    "security.W021": "HSTS 未设置 preload:只有要提交到浏览器的 HSTS 预加载列表时才需要 "
    "YINGJI_HSTS_PRELOAD=1(内网平台通常不需要)。",
    "security.W022": "未设置 Referrer-Policy(SECURE_REFERRER_POLICY)。",
    "security.E023": "SECURE_REFERRER_POLICY 的取值无效。",
    "security.E024": "SECURE_CROSS_ORIGIN_OPENER_POLICY 的取值无效。",
    "security.W025": f"SECRET_KEY_FALLBACKS 中有太弱的旧密钥:删除它,或用 {MAKE_KEY} 生成的密钥。",
    "security.E101": "CSRF_FAILURE_VIEW 的参数不对(应为 request, reason)。",
    "security.E102": "CSRF_FAILURE_VIEW 无法导入。",
}
# Reported as advice, not failures: HSTS for every subdomain can cut off other intranet sites
# under the same domain, and preload only matters for the browsers' public preload list.
ADVICE = {"security.W005", "security.W021"}


def secret_key_problem(key: str) -> str | None:
    """Why a SECRET_KEY is unfit for production, or None."""
    if not key:
        return "为空"
    lowered = key.lower()
    for prefix in INSECURE_PREFIXES:
        if lowered.startswith(prefix):
            return f"以已知的不安全前缀“{key[: len(prefix)]}”开头"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"只有 {len(key)} 个字符(至少 {SECRET_KEY_MIN_LENGTH} 个)"
    distinct = len(set(key))
    if distinct < SECRET_KEY_MIN_DISTINCT:
        return f"只有 {distinct} 种不同字符(至少 {SECRET_KEY_MIN_DISTINCT} 种)"
    return None


def production_problems() -> list[tuple[str | None, str]]:
    """The platform's own production rules: (the Django check id it covers, message)."""
    problems: list[tuple[str | None, str]] = []
    if settings.DEBUG:
        problems.append(("security.W018", "DEBUG 已开启:生产环境必须关闭(YINGJI_DEBUG=0)。"))
    if not os.environ.get("SECRET_KEY"):
        problems.append((None, "未设置 SECRET_KEY 环境变量:生产环境请设置一个随机长密钥。"))
    why = secret_key_problem(settings.SECRET_KEY)
    if why:
        problems.append(("security.W009", f"SECRET_KEY 不安全({why}):用 {MAKE_KEY} 生成一个新的。"))
    for old in getattr(settings, "SECRET_KEY_FALLBACKS", []):
        why = secret_key_problem(old)
        if why:
            problems.append(("security.W025", f"SECRET_KEY_FALLBACKS 中有不安全的旧密钥({why})。"))
    hosts = set(settings.ALLOWED_HOSTS)
    if "*" in hosts or hosts <= {"127.0.0.1", "localhost", "testserver"}:
        problems.append(("security.W020", "ALLOWED_HOSTS 未设置为本平台的实际域名/地址。"))
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        problems.append((None, "正在使用内置 SQLite:生产环境建议使用 PostgreSQL(DATABASE_URL)。"))
    if not getattr(settings, "YINGJI_TLS", False):
        problems.append((None, f"未声明通过 HTTPS 访问:{SET_TLS};密码和会话不应在网络上明文传输。"))
    elif getattr(settings, "SECURE_HSTS_SECONDS", 0) <= 0:
        problems.append(
            (
                "security.W004",
                "已声明 HTTPS(YINGJI_TLS=1)但 HSTS 未开启:不要把 YINGJI_HSTS_SECONDS 设为 0"
                "(建议 31536000,即一年)。",
            )
        )
    if not getattr(settings, "SESSION_COOKIE_SECURE", False):
        problems.append(("security.W012", "会话 Cookie 未设置 Secure:生产环境请通过 HTTPS 访问。"))
    return problems


def django_problems(covered: set[str]) -> tuple[list[str], list[str]]:
    """Django's checks, deployment checks included: (failures, advice), in Chinese."""
    failures, advice = [], []
    for message in checks.run_checks(include_deployment_checks=True):
        if message.is_silenced() or message.level < checks.WARNING or message.id in covered:
            continue
        text = DJANGO_CHECKS.get(message.id) or f"{message.msg}(Django 检查项)"
        line = f"[{message.id}] {text}"
        (advice if message.id in ADVICE else failures).append(line)
    return failures, advice


class Command(BaseCommand):
    help = (
        "检查配置。--production(或 YINGJI_PRODUCTION=1)时按生产环境检查:Django 的部署检查"
        "(check --deploy,如 W004 HSTS、W008 HTTPS 重定向、W009 SECRET_KEY)都算不通过;"
        "SECRET_KEY 须来自环境变量,至少 50 个字符、10 种不同字符,且不以 django-insecure- "
        "等已知前缀开头;ALLOWED_HOSTS 为实际域名;使用 PostgreSQL;须设置 YINGJI_TLS=1 声明"
        "通过 HTTPS 访问(直接或经反向代理),此时默认开启安全 Cookie、HTTPS 重定向和一年的 "
        "HSTS(YINGJI_HSTS_SECONDS 可改,不可为 0;YINGJI_SSL_REDIRECT=0 可关闭重定向;"
        "YINGJI_HSTS_INCLUDE_SUBDOMAINS、YINGJI_HSTS_PRELOAD 为建议项)。有问题时退出码为 1。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--production", action="store_true", help="按生产环境检查")

    def handle(self, *args, production=False, **opts):
        if not (production or settings.PRODUCTION):
            call_command("check", stdout=self.stdout)
            return
        own = production_problems()
        failures, advice = django_problems({cid for cid, _ in own if cid})
        problems = [text for _, text in own] + failures
        for p in problems:
            self.stdout.write(self.style.WARNING("问题:" + p))
        for a in advice:
            self.stdout.write("建议:" + a)
        if problems:
            raise CommandError(f"发现 {len(problems)} 项生产环境配置问题。")
        self.stdout.write(self.style.SUCCESS("生产环境配置检查通过。"))

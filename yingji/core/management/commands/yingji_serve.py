"""yingji serve: the production web server, several worker processes, static files included.

gunicorn (pure Python, no build step, on PyPI) with gthread workers: one Python process per
worker, so a request in one worker does not wait for another's GIL; a few threads per worker
so a slow download does not hold a whole process. Static files come from WhiteNoise (compressed,
cache-forever names), so no separate web server is needed on an intranet.

Graceful restart: `kill -HUP <master pid>` starts new workers (reloading the code) and lets the
old ones finish their requests before they stop (graceful timeout 30 s); SIGTERM stops the same
way. Workers are recycled after --max-requests (± jitter) so that memory is given back.

Windows has no gunicorn: there, and with --server waitress, the single-process waitress server.
"""

import os
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand


def default_workers() -> int:
    """cores + 1 (3 on a 2-core server): CPU-bound Django, one spare for requests that wait on
    the database or the network. Each worker holds its own caches (~150–300 MB)."""
    return (os.cpu_count() or 1) + 1


class Command(BaseCommand):
    help = "启动 Web 服务(gunicorn 多进程;静态文件由 WhiteNoise 提供;HUP 信号平滑重启)。"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers", type=int, default=None, help="工作进程数(默认:CPU 核数 + 1)"
        )
        parser.add_argument("--threads", type=int, default=4, help="每个工作进程的线程数")
        parser.add_argument("--timeout", type=int, default=120, help="单个请求的最长秒数")
        parser.add_argument(
            "--max-requests", type=int, default=2000, help="工作进程处理多少请求后轮换(释放内存)"
        )
        parser.add_argument(
            "--server", choices=["gunicorn", "waitress"], default=None, help="默认 gunicorn"
        )

    def handle(self, *args, host, port, workers, threads, timeout, max_requests, server, **opts):
        server = server or ("waitress" if os.name == "nt" else "gunicorn")
        workers = workers or default_workers()
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        detail = f"{workers} 个进程 × {threads} 线程" if server == "gunicorn" else f"{threads} 线程"
        self.stdout.write(
            f"应急管理综合平台:http://{host}:{port}/ (数据库 {engine};{server},{detail})"
        )
        companions = self._start_companions()
        self.stdout.flush()
        try:
            self._serve(server, host, port, workers, threads, timeout, max_requests)
        finally:
            for process in companions:
                process.terminate()
            for process in companions:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()

    def _start_companions(self) -> list:
        """The commands modules run beside the server (hook ``serve_companions``), each a
        subprocess of this one, stopped when the server stops."""
        from yingji.core.hooks import serve_companions

        started = []
        for companion in serve_companions():
            command = [sys.executable, "-m", "yingji.cli", *companion.command]
            started.append(subprocess.Popen(command))
            self.stdout.write(f"同时运行:{companion.label}(yingji {' '.join(companion.command)})")
        return started

    def _serve(self, server, host, port, workers, threads, timeout, max_requests):
        if server == "waitress":
            from waitress import serve

            from yingji.wsgi import application

            serve(application, host=host, port=port, threads=threads, ident="yingji")
            return
        _Gunicorn(
            {
                "bind": f"{host}:{port}",
                "workers": workers,
                "worker_class": "gthread",
                "threads": threads,
                "timeout": timeout,
                "graceful_timeout": 30,
                "keepalive": 5,
                "max_requests": max_requests,
                "max_requests_jitter": max(1, max_requests // 10),
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
                "proc_name": "yingji",
            }
        ).run()


def _application():
    from yingji.wsgi import application

    return application


try:
    from gunicorn.app.base import BaseApplication
except ImportError:  # Windows: waitress only
    BaseApplication = object


class _Gunicorn(BaseApplication):
    def __init__(self, options):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return _application()

"""yingji serve: a production-grade WSGI server (waitress) that also serves static files
(WhiteNoise), so no separate web server is needed."""

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动 Web 服务(waitress,多线程;静态文件由 WhiteNoise 提供)。"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host, port, threads, **opts):
        from waitress import serve

        from yingji.wsgi import application

        self.stdout.write(
            f"应急管理综合平台:http://{host}:{port}/ (数据库 {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})"
        )
        self.stdout.flush()
        serve(application, host=host, port=port, threads=threads, ident="yingji")

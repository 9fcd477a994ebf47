"""yingji mqtt-ingest: subscribe to yingji/obs/<station> and ingest every message through the
same service as POST /api/v1/monitoring/observations, as the given user (whose scope decides
which stations may report)."""

from __future__ import annotations

import os

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from yingji.core.commands import AuditedCommand


class Command(AuditedCommand):
    help = "订阅 MQTT 主题 yingji/obs/<站点编码>,接收监测数据(QoS 1,自动重连)"

    def add_arguments(self, parser):
        parser.add_argument(
            "--url", help="MQTT 地址,默认环境变量 MQTT_URL 或 mqtt://127.0.0.1:1883"
        )
        parser.add_argument(
            "--user",
            default=os.environ.get("MQTT_INGEST_USER", ""),
            help="以哪个用户的权限接收数据(默认环境变量 MQTT_INGEST_USER)",
        )
        parser.add_argument("--client-id", default="yingji-mqtt-ingest")
        parser.add_argument("--duration", type=float, help="运行秒数(默认一直运行)")
        parser.add_argument(
            "--batch-messages",
            type=int,
            help="每批最多合并的消息数(默认环境变量 MONITORING_MQTT_BATCH_MESSAGES 或 1000)",
        )
        parser.add_argument(
            "--batch-ms",
            type=int,
            help="每批自第一条消息起最多等待的毫秒数(默认 MONITORING_MQTT_BATCH_MS 或 200)",
        )

    def handle(self, *args, **options):
        from yingji.monitoring.mqtt import Subscriber, mqtt_url

        username = options["user"]
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError("请用 --user 或环境变量 MQTT_INGEST_USER 指定一个有效的用户。")
        url = options["url"] or mqtt_url()
        self.stdout.write(f"订阅 {url} 主题 yingji/obs/+(用户 {username}),Ctrl-C 退出")
        subscriber = Subscriber(
            actor=user,
            url=url,
            client_id=options["client_id"],
            batch_messages=options["batch_messages"],
            batch_ms=options["batch_ms"],
        )
        try:
            handled = subscriber.run(duration=options["duration"])
        except KeyboardInterrupt:
            handled = len(subscriber.results)
        self.stdout.write(f"已处理 {handled} 条消息")

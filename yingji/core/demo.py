"""Demo data from every app, in INSTALLED_APPS order (foundation first). An app takes part by
setting ``demo_loader = "<dotted path>"`` on its AppConfig (see yingji.core.hooks); the loader
must be idempotent and mark what it creates as demo (演示). The foundation never imports the
domain apps: it only walks the app registry."""

from django.apps import apps

from .hooks import demo_loaders


def run_demo_loaders(stdout=None) -> dict:
    results = {}
    for label, loader in demo_loaders():
        results[label] = loader()
        if stdout is not None:
            stdout.write(f"演示数据[{apps.get_app_config(label).verbose_name}]:{results[label]}")
    return results

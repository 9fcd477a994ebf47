from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "yingji.enterprises"
    label = "enterprises"
    verbose_name = "企业档案"

from django.contrib import admin

from .models import ContactPhone, EventType


@admin.register(EventType)
class EventTypeAdmin(admin.ModelAdmin):
    """预警事件类型 and their 防御指南 templates, edited by administrators."""

    list_display = ("code", "name", "group", "category", "active")
    list_filter = ("group", "active")
    search_fields = ("code", "name")


@admin.register(ContactPhone)
class ContactPhoneAdmin(admin.ModelAdmin):
    """人员的预警短信接收号码 (the 短信网关 channel sends to these), kept by administrators."""

    list_display = ("user", "phone", "active", "is_demo")
    list_filter = ("active",)
    search_fields = ("user__username", "user__first_name", "phone")
    raw_id_fields = ("user",)

from django.contrib import admin

from .models import EventType


@admin.register(EventType)
class EventTypeAdmin(admin.ModelAdmin):
    """预警事件类型 and their 防御指南 templates, edited by administrators."""

    list_display = ("code", "name", "group", "category", "active")
    list_filter = ("group", "active")
    search_fields = ("code", "name")

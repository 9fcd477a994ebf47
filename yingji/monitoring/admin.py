"""Rules are data, edited here by administrators (every change gets its ObjectChange record:
Rule is an AuditedModel). Stations and alarms change only through the services."""

from django.contrib import admin

from .models import Rule


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "element", "aggregate", "scope", "active", "confidence")
    list_filter = ("element", "active", "scope")
    search_fields = ("code", "name")
    raw_id_fields = ("station",)

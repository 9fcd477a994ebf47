from django.contrib import admin

from .models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "code_system", "is_functional_zone", "parent")
    list_filter = ("level", "code_system", "is_functional_zone")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)

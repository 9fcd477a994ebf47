from yingji.core.jobs import audited_task


@audited_task
def refresh_region_centroids() -> int:
    """Recompute the representative points of regions that have a boundary but no centroid."""
    from shapely.geometry import shape

    from .models import Region

    count = 0
    for region in Region.objects.filter(boundary__isnull=False, centroid_lon__isnull=True):
        point = shape(region.geometry).representative_point()
        region.centroid_lon, region.centroid_lat = round(point.x, 6), round(point.y, 6)
        region.save(update_fields=["centroid_lon", "centroid_lat"])
        count += 1
    return count
